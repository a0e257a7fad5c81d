#!/usr/bin/env node
// Writes dist/strata.1 from the option table (run by `npm run build`, after tsc).
import { writeFileSync } from 'node:fs';
import { manPage } from '../dist/cli/man.js';
import { VERSION } from '../dist/cli/args.js';

writeFileSync(new URL('../dist/strata.1', import.meta.url), manPage(VERSION, ''));
