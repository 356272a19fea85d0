import { describe, expect, it } from "vitest";
import { lineUrls, webUrlOf } from "../../src/github/links.js";

describe("links to a finding's line", () => {
  it("go to the web host of the API the app talks to", () => {
    expect(webUrlOf("https://api.github.com")).toBe("https://github.com");
    expect(webUrlOf("https://ghe.example.com/api/v3")).toBe("https://ghe.example.com");
    expect(webUrlOf("http://127.0.0.1:8080/api/v3/")).toBe("http://127.0.0.1:8080");
  });

  it("pin the commit each side was read at and encode the path", () => {
    const url = lineUrls("https://github.com", { owner: "acme", repo: "shop" }, { base: "b0", head: "h1" });
    expect(url({ file: "apps/web.yaml", line: 7, side: "head" })).toBe(
      "https://github.com/acme/shop/blob/h1/apps/web.yaml#L7",
    );
    expect(url({ file: "old dir/a#b?.yaml", line: 3, side: "base" })).toBe(
      "https://github.com/acme/shop/blob/b0/old%20dir/a%23b%3F.yaml#L3",
    );
  });
});
