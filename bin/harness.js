#!/usr/bin/env node
// The CLI is compiled by `npm run build` (run automatically by `npm ci` through `prepare`).
import { main } from '../dist/harness/cli/main.js';

process.exitCode = await main(process.argv);
