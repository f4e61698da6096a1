-- A TypeScript resource: src/server.ts is bundled by esbuild into dist/server.js (a [[stage]]).
fx_version 'cerulean'
game 'gta5'
server_script 'dist/server.js'
dependency 'hello'
