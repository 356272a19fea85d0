// hostPath volumes a change introduces. Volumes are compared by the node path they expose, not
// by position or name: reordering or renaming one is silent, so is narrowing it to a directory
// below a path already mounted; a volume whose path changes exposes a new path and is reported.
// A path already exposed read-only that some container now mounts writable is reported too.

import { posix } from "node:path";
import type { ResourceChange, Rule } from "../engine/rule.js";
import { isObject, type Path, type Resource, type RuleHit } from "../engine/types.js";
import { type ContainerRef, containersOf } from "../k8s/containers.js";
import { describeResource } from "../k8s/objects.js";
import { podSpecOf } from "../k8s/pods.js";

/** Node paths (files, sockets, directories) that are critical to expose, with why. */
const SENSITIVE: Readonly<Record<string, string>> = {
  "/": "it is the node's whole filesystem",
  "/etc": "it holds the node's configuration and credentials (kubelet and kubeconfig files among them)",
  "/root": "it is the node's root home directory, with its keys and credentials",
  "/boot": "it holds the node's kernel and boot files",
  "/dev": "it exposes every device of the node, its disks included",
  "/proc": "it exposes the node's kernel and every process on it",
  "/sys": "it exposes the node's kernel settings and devices",
  "/var/lib/kubelet": "it holds the kubelet's credentials and the secrets mounted into every pod on the node",
  "/var/lib/docker": "it holds the filesystem of every container on the node",
  "/var/lib/containerd": "it holds the filesystem of every container on the node",
  "/var/run/docker.sock":
    "the container runtime socket controls every container on the node, and so the node",
  "/run/docker.sock": "the container runtime socket controls every container on the node, and so the node",
  "/run/containerd/containerd.sock":
    "the container runtime socket controls every container on the node, and so the node",
  "/var/run/containerd/containerd.sock":
    "the container runtime socket controls every container on the node, and so the node",
  "/run/crio/crio.sock": "the container runtime socket controls every container on the node, and so the node",
  "/var/run/crio/crio.sock":
    "the container runtime socket controls every container on the node, and so the node",
};

/** Everything below these is as sensitive as the directory itself. */
const SENSITIVE_TREES = [
  "/etc",
  "/root",
  "/boot",
  "/proc",
  "/sys",
  "/var/lib/kubelet",
  "/var/lib/docker",
  "/var/lib/containerd",
];

/** `/var/run/` and `/var/./run` are `/var/run`; `..` is resolved so it cannot hide a path. */
export function normalizeHostPath(path: string): string {
  const normal = posix.normalize(path);
  return normal.length > 1 && normal.endsWith("/") ? normal.slice(0, -1) : normal;
}

/** Whether `path` is `directory` or lies below it. */
function within(path: string, directory: string): boolean {
  return path === directory || directory === "/" || path.startsWith(`${directory}/`);
}

/**
 * Why exposing `path` is critical, or undefined when it is not: a sensitive path itself, anything
 * below a sensitive tree, or a directory that contains a sensitive path (`/var/run` holds the
 * Docker socket, `/var` the kubelet's directory).
 */
export function sensitiveReason(path: string): string | undefined {
  if (Object.hasOwn(SENSITIVE, path)) return SENSITIVE[path];
  const tree = SENSITIVE_TREES.find((directory) => within(path, directory));
  if (tree) return `it lies inside ${tree}: ${SENSITIVE[tree]}`;
  const inside = Object.keys(SENSITIVE).find((sensitive) => within(sensitive, path));
  return inside ? `it contains ${inside}: ${SENSITIVE[inside]}` : undefined;
}

interface Mount {
  container: ContainerRef;
  /** Where the mount is, pointing at `readOnly` when the item has one. */
  path: Path;
}

interface HostPathVolume {
  name: string;
  /** Normalized node path. */
  hostPath: string;
  /** Where `hostPath.path` is. */
  path: Path;
  /** Mounts without `readOnly: true`. */
  writable: Mount[];
}

function hostPathVolumes(resource: Resource | undefined): HostPathVolume[] {
  const pod = podSpecOf(resource);
  const volumes = pod?.spec.volumes;
  if (!pod || !Array.isArray(volumes)) return [];
  const containers = containersOf(pod.spec, pod.path);
  const found: HostPathVolume[] = [];
  volumes.forEach((volume, index) => {
    if (!isObject(volume) || !isObject(volume.hostPath)) return;
    const raw = volume.hostPath.path;
    // The API server rejects a hostPath without a path; there is nothing to judge.
    if (typeof raw !== "string" || raw.trim() === "") return;
    const name = typeof volume.name === "string" ? volume.name : `#${index}`;
    const writable: Mount[] = [];
    for (const container of containers) {
      const mounts = container.container.volumeMounts;
      if (!Array.isArray(mounts)) continue;
      mounts.forEach((mount, mountIndex) => {
        if (!isObject(mount) || mount.name !== name || mount.readOnly === true) return;
        const item = [...container.path, "volumeMounts", mountIndex];
        writable.push({ container, path: Object.hasOwn(mount, "readOnly") ? [...item, "readOnly"] : item });
      });
    }
    found.push({
      name,
      hostPath: normalizeHostPath(raw),
      path: [...pod.path, "volumes", index, "hostPath", "path"],
      writable,
    });
  });
  return found;
}

function writers(volume: HostPathVolume): string {
  const names = [...new Set(volume.writable.map((mount) => `\`${mount.container.name}\``))];
  return `container${names.length > 1 ? "s" : ""} ${names.join(", ")}`;
}

const FIX =
  "Prefer a ConfigMap, Secret, emptyDir or PersistentVolume; if the pod must reach the node, mount the " +
  "narrowest path with readOnly: true.";

function addedHit(resource: Resource, volume: HostPathVolume): RuleHit {
  const sensitive = sensitiveReason(volume.hostPath);
  const writable = volume.writable.length > 0;
  const why = sensitive
    ? sensitive
    : writable
      ? "a container that can write to the node can plant files that other pods and the node itself will read"
      : "files on the node are shared with everything else that runs there and outlive the pod";
  const mounted = writable ? `, mounted writable by ${writers(volume)}` : "";
  return {
    path: volume.path,
    key: `volume:${volume.name}:${volume.hostPath}:${writable ? "rw" : "ro"}`,
    ...(sensitive || writable ? { severity: "critical" as const } : {}),
    message:
      `${describeResource(resource)} mounts node path ${volume.hostPath} (hostPath volume \`${volume.name}\`)` +
      `${mounted}: ${why}. ${FIX}`,
  };
}

function writableHit(resource: Resource, volume: HostPathVolume): RuleHit {
  const [mount] = volume.writable;
  const sensitive = sensitiveReason(volume.hostPath);
  return {
    path: mount.path,
    key: `writable:${volume.name}:${volume.hostPath}`,
    severity: "critical",
    message:
      `${describeResource(resource)} now mounts node path ${volume.hostPath} (hostPath volume ` +
      `\`${volume.name}\`) writable in ${writers(volume)}: ` +
      `${sensitive ?? "a container that can write to the node can plant files that other pods and the node itself will read"}. ` +
      "Mount it with readOnly: true.",
  };
}

function check(change: ResourceChange): RuleHit[] {
  const { after } = change;
  if (!after) return [];
  const previous = hostPathVolumes(change.before);
  const hits: RuleHit[] = [];
  for (const volume of hostPathVolumes(after)) {
    const writable = volume.writable.length > 0;
    const containing = previous.filter((old) => within(volume.hostPath, old.hostPath));
    // Already exposed at least as widely: the same path or a directory above it, writable if need be.
    if (containing.some((old) => old.writable.length > 0 || !writable)) continue;
    hits.push(containing.length > 0 ? writableHit(after, volume) : addedHit(after, volume));
  }
  return hits;
}

export const hostPathRule: Rule = {
  id: "host-path",
  title: "Pod mounts a node path",
  defaultSeverity: "high",
  description:
    "A pod template that adds a hostPath volume, changes the node path of one, or mounts writable a node path it only mounted read-only before.",
  rationale:
    "A hostPath volume puts part of the node's filesystem inside the pod. Sensitive paths are graded " +
    "critical: /, /etc, /root, /boot, /dev, /proc, /sys, /var/lib/kubelet, /var/lib/docker, " +
    "/var/lib/containerd and the container runtime sockets (docker, containerd, CRI-O, under /run and " +
    "/var/run), anything below /etc, /root, /boot, /proc, /sys and the runtime and kubelet directories, " +
    "and any directory that contains one of them (/var, /run). Any hostPath that a container mounts " +
    "without readOnly: true is graded critical too: a writable node path lets a compromised container " +
    "plant files the node and other pods will trust. Volumes are compared by the node path they expose, " +
    "so reordering or renaming a volume, or narrowing it to a subdirectory, is not reported.",
  remediation:
    "Use a ConfigMap, Secret, emptyDir or PersistentVolume instead. If the pod must reach the node (a " +
    "node agent), mount the narrowest path, with readOnly: true, and never the runtime socket.",
  example: {
    after: `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: log-agent
  namespace: ops
spec:
  template:
    spec:
      containers:
        - name: agent
          image: ghcr.io/ops/agent:2.0.1
          volumeMounts:
            - name: docker
              mountPath: /var/run/docker.sock
      volumes:
        - name: docker
          hostPath:
            path: /var/run/docker.sock
`,
  },
  check,
};
