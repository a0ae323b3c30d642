/** An API answer that is not 2xx, with its problem+json body (RFC 9457, stable `code`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly body: Record<string, unknown> = {},
    readonly retryAfterS?: number,
  ) {
    super(detail || code);
    this.name = 'ApiError';
  }
}

type FieldError = { path: string; message: string };

const fieldNames: Record<string, string> = {
  sku: 'SKU',
  name: 'nombre',
  category: 'categoría',
  barcode: 'código de barras',
  quantity: 'cantidad',
  unitCost: 'costo unitario',
  location: 'ubicación',
  toLocation: 'ubicación de destino',
  reason: 'motivo',
  reorderPoint: 'punto de pedido',
  code: 'código',
  username: 'usuario',
  password: 'contraseña',
  displayName: 'nombre',
  role: 'rol',
};

const minutes = (s: number | undefined) => (s === undefined ? 'unos minutos' : s < 90 ? `${Math.max(1, Math.round(s))} segundos` : `${Math.ceil(s / 60)} minutos`);

/** Spanish words for the codes the API uses; anything else shows the API's own `detail`. */
const messages: Record<string, (e: ApiError) => string> = {
  invalid_credentials: () => 'Usuario o contraseña incorrectos.',
  login_locked: (e) => `Demasiados intentos fallidos. Por seguridad el ingreso está bloqueado: probá de nuevo en ${minutes(e.retryAfterS)}.`,
  rate_limited: (e) => `Demasiados pedidos seguidos. Esperá ${minutes(e.retryAfterS)} y volvé a intentar.`,
  unauthorized: () => 'Tu sesión terminó. Volvé a ingresar.',
  session_expired: () => 'Tu sesión terminó. Volvé a ingresar.',
  csrf_token_missing: () => 'La página quedó desactualizada. Recargala y volvé a intentar.',
  csrf_token_invalid: () => 'La página quedó desactualizada. Recargala y volvé a intentar.',
  csrf_origin_mismatch: () => 'Este cambio tiene que hacerse desde una página de Gondola.',
  last_admin: () => 'Tiene que quedar al menos un administrador activo.',
  forbidden: () => 'Tu usuario no tiene permiso para hacer esto.',
  not_found: () => 'No existe (quizás fue borrado o el código está mal escrito).',
  route_not_found: () => 'Esta función todavía no está disponible en el servidor.',
  sku_taken: () => 'Ya existe un producto con ese SKU.',
  barcode_taken: () => 'Ya existe un producto con ese código de barras.',
  location_code_taken: () => 'Ya existe una ubicación con ese código.',
  username_taken: () => 'Ya existe un usuario con ese nombre.',
  insufficient_stock: () => 'No hay stock suficiente.',
  idempotency_key_reused: () => 'Este envío ya se usó para otro movimiento. Volvé a cargar el formulario.',
  service_unavailable: () => 'El servidor no puede recibir movimientos en este momento. Esperá unos segundos y reintentá: no se va a registrar dos veces.',
  payload_too_large: () => 'El archivo o los datos son demasiado grandes.',
  malformed_json: () => 'El pedido llegó dañado. Recargá la página y reintentá.',
  internal_error: () => 'Algo falló en el servidor. Reintentá en un momento; si sigue, avisá al administrador.',
  network_error: () => 'No hay conexión con el servidor. Revisá la red y reintentá.',
};

/** The message a person reads for an error thrown by the API client (or anything else). */
export function problemMessage(err: unknown): string {
  if (!(err instanceof ApiError)) return err instanceof Error ? `Error inesperado: ${err.message}` : 'Error inesperado.';
  const known = messages[err.code];
  if (known) return known(err);
  if (err.code === 'validation_failed' || err.code === 'unknown_reference') {
    const errors = (err.body.errors as FieldError[] | undefined) ?? [];
    if (errors.length) return `Revisá estos datos: ${errors.map((f) => `${fieldLabel(f.path)}: ${f.message}`).join('; ')}.`;
  }
  return err.detail || `Error ${err.status}.`;
}

function fieldLabel(path: string): string {
  const last = path.split('.').at(-1) ?? path;
  return fieldNames[last] ?? path;
}
