// Save this file while `altv-dev watch` runs: esbuild rebuilds dist/server.js, then `ensure greeter`.
// (`as string` is TypeScript: esbuild strips it. The simulator prints console.log's string.)
console.log("greeter says hello from TypeScript" as string);
// edit
