import type { MovementType } from '../api/views';

export const movementTypeLabel: Record<MovementType, string> = {
  sale: 'Venta',
  receipt: 'Ingreso',
  adjustment: 'Ajuste',
  count: 'Recuento',
  transfer: 'Transferencia',
};

export const adjustmentReasons = [
  { value: 'rotura', label: 'Rotura' },
  { value: 'vencimiento', label: 'Vencimiento' },
  { value: 'robo', label: 'Robo' },
  { value: 'consumo interno', label: 'Consumo interno' },
  { value: 'otro', label: 'Otro' },
];

/** Why the worker refused a movement, in words. */
export const rejectionLabel: Record<string, string> = {
  insufficient_stock: 'No hay stock suficiente',
  product_inactive: 'El producto está dado de baja',
  batch_rejected: 'Otro movimiento del lote fue rechazado (lote todo o nada)',
};
