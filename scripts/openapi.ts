/**
 * `npm run openapi [-- <file>]`: writes the OpenAPI document (the same one the API serves at
 * /docs/openapi.json) without a database or Redis, e.g. to generate a typed client in a build.
 */
import { writeFileSync } from 'node:fs';
import { describeApi } from '../src/api/app.js';

const text = `${JSON.stringify(describeApi(), null, 2)}\n`;
const out = process.argv[2];
if (out) writeFileSync(out, text);
else process.stdout.write(text);
