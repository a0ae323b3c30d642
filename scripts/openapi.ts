/**
 * `npm run openapi [-- <file>]`: writes the OpenAPI document (the same one the API serves at
 * /docs/openapi.json) without a database or Redis, e.g. to generate a typed client in a build.
 */
import { writeFileSync } from 'node:fs';
import { serviceRouter, v1Router } from '../src/api/app.js';
import type { ApiDeps } from '../src/api/deps.js';
import { openApiDocument } from '../src/api/openapi.js';
import { loadConfig } from '../src/shared/config.js';

// Building the routers registers their operations; nothing here is called before a request.
const deps = { config: loadConfig({}), db: {}, producer: {}, waiter: {} } as unknown as ApiDeps;
serviceRouter(deps);
v1Router(deps);
const text = `${JSON.stringify(openApiDocument(), null, 2)}\n`;
const out = process.argv[2];
if (out) writeFileSync(out, text);
else process.stdout.write(text);
