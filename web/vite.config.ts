import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

/** The browser runs the server's own parser and validator: the libraries' source, bundled. */
const lib = (name: string): string => fileURLToPath(new URL(`../libs/${name}/src/index.ts`, import.meta.url));

const NODE_BUILTINS = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/** A Node built-in reached from the console's code is a bug (it would be stubbed in the browser): fail the build. */
function noNodeBuiltins(): Plugin {
  return {
    name: 'chainmail:no-node-builtins',
    apply: 'build',
    enforce: 'pre',
    resolveId(id, importer) {
      if (NODE_BUILTINS.has(id))
        this.error(`"${importer ?? '?'}" imports the Node module "${id}", which a browser does not have`);
      return null;
    },
  };
}

export default defineConfig({
  plugins: [noNodeBuiltins(), react()],
  resolve: {
    alias: {
      '@chainmail/contracts': lib('contracts'),
      '@chainmail/workflow-dsl': lib('workflow-dsl'),
    },
    // The libraries' packages come from this package's node_modules: one copy of each in the bundle.
    dedupe: ['yaml', 'jexl', 'croner'],
  },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 4096 },
  // `npm run dev`: the console on Vite's server, the API of a Chainmail on the default port.
  server: { proxy: { '/v1': 'http://127.0.0.1:8080' } },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    reporters: ['default', './summary-reporter.ts'],
  },
});
