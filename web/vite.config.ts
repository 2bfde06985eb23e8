import { resolve } from "node:path";
import { defineConfig } from "vite";

// One HTML page per screen; each loads only its own module.
export default defineConfig({
  build: {
    target: "es2022",
    rollupOptions: {
      input: {
        index: resolve(import.meta.dirname, "index.html"),
        watch: resolve(import.meta.dirname, "watch.html"),
        account: resolve(import.meta.dirname, "account.html"),
        governance: resolve(import.meta.dirname, "governance.html"),
        moderation: resolve(import.meta.dirname, "moderation.html"),
        bench: resolve(import.meta.dirname, "bench.html"),
      },
    },
  },
});
