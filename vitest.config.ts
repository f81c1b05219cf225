import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    globalSetup: ["test/gpu/globalSetup.ts"],
    setupFiles: ["test/setup.ts"],
    // The soak test forces garbage collection between scoring calls.
    execArgv: ["--expose-gc"],
  },
});
