import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';
import helmet from 'helmet';

/** Paths that belong to the server; everything else under GET is a page of the web app. */
const SERVER_PATHS = /^\/(v1|docs|metrics|admin|health|ready)(\/|$)/;

export const WEB_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/**
 * Serves the built web app (`web/dist`): hashed assets cached for a year, `index.html` for any
 * other GET that asks for HTML (history fallback, so /productos/123 reloads fine).
 */
export function webAppRouter(dir = WEB_DIST): Router {
  const router = Router();
  router.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: true,
        directives: {
          'style-src': ["'self'", "'unsafe-inline'"],
          'img-src': ["'self'", 'data:', 'blob:'],
          'font-src': ["'self'", 'data:'],
          'connect-src': ["'self'"],
          // A shop may serve the app over plain http on its LAN.
          'upgrade-insecure-requests': null,
        },
      },
      strictTransportSecurity: false,
    }),
  );
  router.use('/assets', express.static(`${dir}assets`, { immutable: true, maxAge: '365d', index: false, fallthrough: false }));
  router.use(express.static(dir, { index: false, maxAge: '1h' }));
  router.use((req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || SERVER_PATHS.test(req.path) || !req.accepts('html')) return next();
    const index = `${dir}index.html`;
    if (!existsSync(index)) {
      res.status(503).type('text/plain').send('La app web no está construida todavía: ejecutá `npm run web:build` (npm start lo hace solo).');
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return router;
}
