import { useEffect, useRef, useState } from 'react';
import { Button, Group, Paper, Slider, Stack, Text } from '@mantine/core';
import { IconRotateClockwise } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';

/** The uploaded file as the supplier sent it: a photo with zoom and rotate, or the PDF's first page. */
export function OriginalViewer({ id }: { id: string }) {
  const file = useQuery({
    queryKey: ['invoice-file', id],
    queryFn: async () => {
      const r = await api.GET('/v1/invoices/{id}/file', { params: { path: { id } }, parseAs: 'blob' });
      if (!r.response.ok || !(r.data instanceof Blob)) throw new Error('no se pudo abrir el archivo');
      return r.data;
    },
    staleTime: Infinity,
  });
  const [zoom, setZoom] = useState(100);
  const [turn, setTurn] = useState(0);
  return (
    <Paper withBorder p="sm" radius="md">
      <Stack gap="xs">
        <Group justify="space-between" wrap="wrap" className="no-print">
          <Text fw={600}>Original</Text>
          <Group gap="xs" wrap="nowrap" style={{ flex: 1, minWidth: 200 }}>
            <Text size="sm" id="zoom-label">
              Zoom
            </Text>
            <Slider value={zoom} onChange={setZoom} min={50} max={300} step={10} label={(v) => `${v} %`} style={{ flex: 1 }} aria-labelledby="zoom-label" thumbLabel="Zoom del original" />
            <Button variant="default" size="compact-md" onClick={() => setTurn((t) => (t + 90) % 360)} aria-label="Girar el original" leftSection={<IconRotateClockwise size={18} />}>
              Girar
            </Button>
          </Group>
        </Group>
        <div style={{ overflow: 'auto', maxHeight: '75vh', border: '1px solid var(--mantine-color-gray-3)', borderRadius: 4 }}>
          {file.isError && <Text c="red">No se pudo abrir el archivo original.</Text>}
          {file.data && (file.data.type === 'application/pdf' ? <PdfPage blob={file.data} zoom={zoom} turn={turn} /> : <ImageView blob={file.data} zoom={zoom} turn={turn} />)}
        </div>
      </Stack>
    </Paper>
  );
}

function ImageView({ blob, zoom, turn }: { blob: Blob; zoom: number; turn: number }) {
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    const u = URL.createObjectURL(blob);
    setUrl(u);
    return () => URL.revokeObjectURL(u);
  }, [blob]);
  return url ? <img src={url} alt="Foto original de la factura" style={{ width: `${zoom}%`, transform: `rotate(${turn}deg)`, transformOrigin: 'center', display: 'block' }} /> : null;
}

/** Renders page 1 of the PDF with pdf.js (loaded only when a PDF is opened). */
function PdfPage({ blob, zoom, turn }: { blob: Blob; zoom: number; turn: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    void (async () => {
      try {
        const pdfjs = await import('pdfjs-dist');
        const worker = await import('pdfjs-dist/build/pdf.worker.min.mjs?url');
        pdfjs.GlobalWorkerOptions.workerSrc = worker.default;
        const doc = await pdfjs.getDocument({ data: new Uint8Array(await blob.arrayBuffer()) }).promise;
        const page = await doc.getPage(1);
        const viewport = page.getViewport({ scale: (2 * zoom) / 100, rotation: turn });
        const c = canvas.current;
        if (!c || cancelled) return;
        c.width = viewport.width;
        c.height = viewport.height;
        c.style.width = `${viewport.width / 2}px`;
        await page.render({ canvas: c, viewport }).promise;
      } catch (e) {
        if (!cancelled) setError(e instanceof Error ? e.message : String(e));
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [blob, zoom, turn]);
  return error ? <Text c="red">No se pudo mostrar el PDF: {error}</Text> : <canvas ref={canvas} role="img" aria-label="Primera página del PDF original" />;
}
