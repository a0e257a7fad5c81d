#!/usr/bin/env node
// Tiny launcher. NO_COLOR must become FORCE_COLOR=0 before chalk (inside Ink) is first imported,
// because chalk reads the environment once, at import time.
if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') process.env.FORCE_COLOR = '0';
// React (inside Ink) picks its build from NODE_ENV when first imported: unset means the development
// build, which logs every component render to the performance timeline and makes each key press
// several times slower on a big tree. Strata is never run as a React app under development.
process.env.NODE_ENV ??= 'production';
const { main } = await import('../dist/cli.js');
const code = await main(process.argv.slice(2));
process.exitCode = code;
