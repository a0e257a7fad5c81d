#!/usr/bin/env node
// Tiny launcher. NO_COLOR must become FORCE_COLOR=0 before chalk (inside Ink) is first imported,
// because chalk reads the environment once, at import time.
if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') process.env.FORCE_COLOR = '0';
const { main } = await import('../dist/cli.js');
const code = await main(process.argv.slice(2));
process.exitCode = code;
