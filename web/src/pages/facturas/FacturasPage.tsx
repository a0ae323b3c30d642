import { useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { Anchor, Badge, Button, Group, Paper, SegmentedControl, Stack, Text } from '@mantine/core';
import { IconCamera, IconFileUpload } from '@tabler/icons-react';
import { useInvoiceCounts, useInvoices, useUploadInvoice } from '../../api/queries/invoices';
import { problemMessage } from '../../api/problem';
import type { InvoiceListItem, InvoiceStatus } from '../../api/views-ops';
import { useAuth } from '../../auth/auth';
import { DataTable } from '../../components/DataTable';
import { PageHeader } from '../../components/PageHeader';
import { QueryState } from '../../components/QueryState';
import { formatDate, formatMoney } from '../../lib/format';

export const statusText: Record<InvoiceStatus, [string, string]> = {
  queued: ['En cola', 'gray'],
  extracting: ['Leyendo', 'blue'],
  needs_review: ['Para revisar', 'orange'],
  ready: ['Lista para cargar', 'teal'],
  posting: ['Cargando', 'blue'],
  posted: ['Cargada', 'green'],
  failed: ['No se pudo leer', 'red'],
  rejected: ['Rechazada', 'red'],
};

const tabs: { value: string; label: string; status?: InvoiceStatus }[] = [
  { value: 'all', label: 'Todas' },
  { value: 'extracting', label: 'Leyendo', status: 'extracting' },
  { value: 'needs_review', label: 'Para revisar', status: 'needs_review' },
  { value: 'ready', label: 'Listas', status: 'ready' },
  { value: 'posted', label: 'Cargadas', status: 'posted' },
  { value: 'rejected', label: 'Rechazadas', status: 'rejected' },
  { value: 'failed', label: 'Fallidas', status: 'failed' },
];

export function StatusBadge({ status }: { status: InvoiceStatus }) {
  const [text, color] = statusText[status];
  return <Badge color={color}>{text}</Badge>;
}

const voucher = (i: Pick<InvoiceListItem, 'pointOfSale' | 'number'>) =>
  i.number === null ? '—' : `${String(i.pointOfSale ?? 0).padStart(5, '0')}-${String(i.number).padStart(8, '0')}`;

/** Facturas: upload photos or PDFs (several at once), watch them being read, open one to review. */
export default function FacturasPage() {
  const [tab, setTab] = useState('all');
  const status = tabs.find((t) => t.value === tab)?.status;
  const invoices = useInvoices(status);
  const counts = useInvoiceCounts();
  const upload = useUploadInvoice();
  const navigate = useNavigate();
  const { can } = useAuth();
  const camera = useRef<HTMLInputElement>(null);
  const files = useRef<HTMLInputElement>(null);
  const [progress, setProgress] = useState<{ name: string; state: 'subiendo' | 'listo' | string }[]>([]);

  const send = async (list: FileList | null) => {
    if (!list?.length) return;
    const items = [...list];
    setProgress(items.map((f) => ({ name: f.name, state: 'subiendo' })));
    await Promise.all(
      items.map(async (f, i) => {
        try {
          const r = await upload.mutateAsync(f);
          setProgress((p) => p.map((x, j) => (j === i ? { ...x, state: r.status === 'queued' ? 'recibida, leyendo…' : `ya estaba cargada (${statusText[r.status][0].toLowerCase()})` } : x)));
        } catch (e) {
          setProgress((p) => p.map((x, j) => (j === i ? { ...x, state: problemMessage(e) } : x)));
        }
      }),
    );
    if (camera.current) camera.current.value = '';
    if (files.current) files.current.value = '';
  };

  const withCount = (t: (typeof tabs)[number]) => {
    const n = t.status ? counts.data?.byStatus[t.status] : undefined;
    return { value: t.value, label: n ? `${t.label} (${n})` : t.label };
  };

  return (
    <>
      <PageHeader
        title="Facturas"
        description={
          can('invoices:write')
            ? 'Sacale una foto a la factura del proveedor o subí el PDF: Gondola la lee y te muestra qué revisar.'
            : 'Las facturas de los proveedores: lo que se está leyendo, lo que falta revisar y lo ya cargado al stock. Las suben y revisan Depósito y Negocio.'
        }
      />
      <Stack gap="md">
        {can('invoices:write') && (
          <Paper withBorder p="md" radius="md">
            <Group wrap="wrap">
              <input ref={camera} type="file" accept="image/*" capture="environment" multiple hidden aria-label="Foto de la factura" onChange={(e) => void send(e.currentTarget.files)} />
              <input ref={files} type="file" accept="application/pdf,image/jpeg,image/png,image/webp" multiple hidden aria-label="Archivos de facturas" onChange={(e) => void send(e.currentTarget.files)} />
              <Button leftSection={<IconCamera size={18} />} onClick={() => camera.current?.click()}>
                Sacar foto
              </Button>
              <Button variant="default" leftSection={<IconFileUpload size={18} />} onClick={() => files.current?.click()}>
                Subir PDF o imágenes
              </Button>
            </Group>
            {progress.length > 0 && (
              <Stack gap={2} mt="sm" aria-live="polite">
                {progress.map((p, i) => (
                  <Text key={i} size="sm">
                    {p.name}: {p.state}
                  </Text>
                ))}
              </Stack>
            )}
          </Paper>
        )}
        <SegmentedControl data={tabs.map(withCount)} value={tab} onChange={setTab} aria-label="Estado de las facturas" style={{ overflowX: 'auto' }} />
        <QueryState query={invoices} isEmpty={(d) => d.items.length === 0} empty="No hay facturas en este estado.">
          {(d) => (
            <DataTable
              rows={d.items}
              rowKey={(i) => i.id}
              csvName="facturas"
              onRowClick={(i) => navigate(`/facturas/${i.id}`)}
              columns={[
                { key: 'supplier', header: 'Proveedor', render: (i) => i.supplierName ?? i.issuerCuit ?? 'Sin leer todavía', csv: (i) => i.supplierName ?? i.issuerCuit },
                { key: 'status', header: 'Estado', render: (i) => <StatusBadge status={i.status} />, csv: (i) => statusText[i.status][0] },
                { key: 'number', header: 'Número', render: (i) => voucher(i), csv: (i) => voucher(i) },
                { key: 'date', header: 'Fecha', render: (i) => formatDate(i.issueDate), csv: (i) => i.issueDate },
                { key: 'total', header: 'Total', numeric: true, render: (i) => formatMoney(i.total), csv: (i) => i.total },
                {
                  key: 'dup',
                  header: 'Nota',
                  hideOnPhone: true,
                  render: (i) =>
                    i.duplicateOf ? (
                      <Anchor component={Link} to={`/facturas/${i.duplicateOf}`} onClick={(e) => e.stopPropagation()}>
                        Duplicada: ver la original
                      </Anchor>
                    ) : (
                      ''
                    ),
                },
              ]}
            />
          )}
        </QueryState>
      </Stack>
    </>
  );
}
