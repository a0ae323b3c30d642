import { useMediaQuery } from '@mantine/hooks';
import '@mantine/charts/styles.css';
import { useState } from 'react';
import { Link } from 'react-router';
import { Alert, Anchor, Badge, Button, Checkbox, FileButton, Group, List, Paper, Progress, SegmentedControl, Select, SimpleGrid, Stack, Tabs, Text, Textarea, TextInput, Title } from '@mantine/core';
import { LineChart } from '@mantine/charts';
import { IconTags } from '@tabler/icons-react';
import { ApiError } from '../../api/problem';
import { useCostAlerts, useImportIndex, useInflationIndex, useMargins, usePriceHistory, usePriceRun, usePricingRules, useStartRun, type RunScope } from '../../api/queries/prices';
import { useAuth } from '../../auth/auth';
import { DataTable } from '../../components/DataTable';
import { PageHeader } from '../../components/PageHeader';
import { ErrorAlert, QueryState } from '../../components/QueryState';
import { StatCard } from '../../components/StatCard';
import { useSubmissionKey } from '../../components/useSubmissionKey';
import { formatDate, formatDateTime, formatInteger, formatMoney, formatPercent, formatSignedPercent } from '../../lib/format';
import { RulesPanel } from './RulesPanel';

/** Precios: rules with a live example, repricing runs with progress, alerts, margins, history, inflation. */
export default function PreciosPage() {
  const rules = usePricingRules();
  return (
    <>
      <PageHeader title="Precios" description="Reglas por categoría, recálculo de precios, alertas de costo, márgenes e inflación." />
      <Tabs defaultValue="recalcular">
        <Tabs.List mb="md">
          <Tabs.Tab value="recalcular">Recalcular</Tabs.Tab>
          <Tabs.Tab value="reglas">Reglas</Tabs.Tab>
          <Tabs.Tab value="alertas">Alertas de costo</Tabs.Tab>
          <Tabs.Tab value="margenes">Márgenes</Tabs.Tab>
          <Tabs.Tab value="historial">Historial</Tabs.Tab>
          <Tabs.Tab value="inflacion">Inflación</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="recalcular">
          <RepricePanel categories={rules.data?.items.filter((r) => !r.isDefault).map((r) => r.category) ?? []} />
        </Tabs.Panel>
        <Tabs.Panel value="reglas">
          <QueryState query={rules} isEmpty={(d) => d.items.length === 0}>
            {(d) => <RulesPanel rules={d.items} />}
          </QueryState>
        </Tabs.Panel>
        <Tabs.Panel value="alertas">
          <AlertsPanel />
        </Tabs.Panel>
        <Tabs.Panel value="margenes">
          <MarginsPanel />
        </Tabs.Panel>
        <Tabs.Panel value="historial">
          <HistoryPanel />
        </Tabs.Panel>
        <Tabs.Panel value="inflacion">
          <InflationPanel />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}

function RepricePanel({ categories }: { categories: string[] }) {
  const { can } = useAuth();
  const phone = useMediaQuery('(max-width: 40em)', false, { getInitialValueInEffect: false });
  const [kind, setKind] = useState<'all' | 'category' | 'skus'>('all');
  const [category, setCategory] = useState<string | null>(null);
  const [skus, setSkus] = useState('');
  const [force, setForce] = useState(false);
  const [reason, setReason] = useState('Actualización de precios');
  const [runId, setRunId] = useState<string | null>(null);
  const start = useStartRun();
  const submission = useSubmissionKey('precios');
  const run = usePriceRun(runId);
  if (!can('prices:write')) return <Text c="dimmed">Tu usuario puede ver los precios, pero no recalcularlos.</Text>;
  const scope: RunScope | null =
    kind === 'all' ? { all: true } : kind === 'category' ? (category ? { category } : null) : skus.trim() ? { skus: skus.split(/[\s,;]+/).filter(Boolean) } : null;
  const r = run.data;
  return (
    <Stack gap="md">
      <Paper withBorder p="md" radius="md">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (!scope) return;
            start.mutate(
              { scope, reason, force, key: submission.key() },
              {
                onSuccess: (d) => {
                  setRunId(d.run.id);
                  submission.renew();
                },
              },
            );
          }}
        >
          <Stack gap="sm">
            <SegmentedControl
              fullWidth
              orientation={phone ? 'vertical' : 'horizontal'}
              value={kind}
              onChange={(v) => {
                setKind(v as typeof kind);
                submission.renew();
              }}
              data={[
                { value: 'all', label: 'Todos' },
                { value: 'category', label: 'Una categoría' },
                { value: 'skus', label: 'Productos elegidos' },
              ]}
              aria-label="Qué productos recalcular"
            />
            {kind === 'category' && <Select label="Categoría" data={categories} value={category} onChange={setCategory} searchable placeholder="Elegí una categoría" />}
            {kind === 'skus' && <TextInput label="SKU de los productos (separados por coma)" value={skus} onChange={(e) => setSkus(e.currentTarget.value)} />}
            <TextInput label="Motivo" value={reason} onChange={(e) => setReason(e.currentTarget.value)} required />
            <Checkbox label="Forzar: ignorar el cambio máximo por recálculo" checked={force} onChange={(e) => setForce(e.currentTarget.checked)} />
            {start.error && <ErrorAlert error={start.error} />}
            <Group>
              <Button type="submit" disabled={!scope || !reason.trim()} loading={start.isPending || (!!r && (r.status === 'planned' || r.status === 'running'))}>
                Recalcular precios
              </Button>
            </Group>
          </Stack>
        </form>
      </Paper>
      {runId && (
        <Paper withBorder p="md" radius="md" aria-live="polite">
          <QueryState query={run}>
            {(r) => (
              <Stack gap="sm">
                <Group justify="space-between">
                  <Title order={2} fz="h4">
                    Recálculo: {r.reason}
                  </Title>
                  <Badge color={r.status === 'completed' ? 'green' : r.status === 'failed' ? 'red' : 'blue'}>
                    {{ planned: 'En cola', running: 'Calculando', completed: 'Terminado', failed: 'Falló' }[r.status]}
                  </Badge>
                </Group>
                <Progress value={r.progress} size="xl" aria-label="Avance del recálculo" striped={r.status !== 'completed'} animated={r.status === 'running'} />
                <Text size="sm">{r.progress} %</Text>
                {r.status === 'failed' && r.failure && (
                  <Alert color="red" title="El recálculo falló">
                    {r.failure.reason}. Los precios que alcanzó a cambiar quedan, con sus etiquetas.
                  </Alert>
                )}
                {(r.status === 'completed' || r.status === 'failed') && (
                  <>
                    <SimpleGrid cols={{ base: 1, xs: 3 }} spacing="sm">
                      <StatCard label="Precios que cambiaron" value={formatInteger(r.productsChanged)} hint={`de ${formatInteger(r.productsExamined)} revisados`} />
                      <StatCard label="Frenados por el cambio máximo" value={formatInteger(r.productsCapped)} hint="subirán en los próximos recálculos" />
                      <StatCard label="Subidos al margen mínimo" value={formatInteger(r.productsAtFloor)} hint="la regla daba menos que el margen mínimo" />
                    </SimpleGrid>
                    {r.labelBatchId !== null && r.productsChanged > 0 && (
                      <Group>
                        <Button component={Link} to={`/etiquetas?lote=${r.labelBatchId}`} leftSection={<IconTags size={18} />}>
                          Imprimir etiquetas nuevas
                        </Button>
                      </Group>
                    )}
                  </>
                )}
              </Stack>
            )}
          </QueryState>
        </Paper>
      )}
    </Stack>
  );
}

function AlertsPanel() {
  const alerts = useCostAlerts();
  return (
    <QueryState query={alerts} isEmpty={(d) => d.items.length === 0} empty="No hay alertas de costo.">
      {(d) => (
        <DataTable
          rows={d.items}
          rowKey={(a) => String(a.id)}
          csvName="alertas-de-costo"
          columns={[
            { key: 'name', header: 'Producto', render: (a) => <Anchor component={Link} to={`/productos/${encodeURIComponent(a.sku)}`}>{a.name}</Anchor>, csv: (a) => a.name },
            { key: 'change', header: 'Cambio', numeric: true, render: (a) => (a.changePct === null ? 'primer costo' : formatSignedPercent(a.changePct)), csv: (a) => a.changePct },
            { key: 'cost', header: 'Costo nuevo', numeric: true, render: (a) => formatMoney(a.newCost), csv: (a) => a.newCost },
            { key: 'prev', header: 'Costo anterior', numeric: true, render: (a) => formatMoney(a.previousCost), csv: (a) => a.previousCost, hideOnPhone: true },
            {
              key: 'kind',
              header: 'Alerta',
              render: (a) => (
                <Group gap={4}>
                  {a.bandPct !== null && <Badge color={a.bandPct >= 25 ? 'red' : a.bandPct >= 15 ? 'orange' : 'yellow'}>≥ {a.bandPct} %</Badge>}
                  {a.sellingAtLoss && <Badge color="red">vende a pérdida</Badge>}
                </Group>
              ),
              csv: (a) => `${a.bandPct ?? ''}${a.sellingAtLoss ? ' pérdida' : ''}`,
            },
            { key: 'at', header: 'Fecha', render: (a) => formatDateTime(a.createdAt), csv: (a) => a.createdAt, hideOnPhone: true },
          ]}
        />
      )}
    </QueryState>
  );
}

function MarginsPanel() {
  const margins = useMargins();
  return (
    <QueryState query={margins} isEmpty={(d) => d.items.length === 0} empty="Todavía no hay productos con costo y precio.">
      {(d) => (
        <Stack gap="md">
          <DataTable
            caption="Margen por categoría"
            rows={d.categories}
            rowKey={(c) => c.category}
            columns={[
              { key: 'cat', header: 'Categoría', render: (c) => c.category, csv: (c) => c.category },
              { key: 'n', header: 'Productos', numeric: true, render: (c) => formatInteger(c.products), csv: (c) => c.products },
              { key: 'm', header: 'Margen', numeric: true, render: (c) => formatPercent(c.marginPct), csv: (c) => c.marginPct },
              { key: 'min', header: 'Mínimo', numeric: true, render: (c) => formatPercent(c.minMarginPct), csv: (c) => c.minMarginPct },
              { key: 'below', header: 'Bajo el mínimo', numeric: true, render: (c) => (c.belowMinimum ? <Badge color="red">{c.belowMinimum}</Badge> : '0'), csv: (c) => c.belowMinimum },
            ]}
          />
          <DataTable
            caption="Margen por producto"
            rows={d.items}
            rowKey={(m) => m.sku}
            csvName="margenes"
            columns={[
              { key: 'name', header: 'Producto', render: (m) => <Anchor component={Link} to={`/productos/${encodeURIComponent(m.sku)}`}>{m.name}</Anchor>, csv: (m) => m.name },
              { key: 'cost', header: 'Costo', numeric: true, render: (m) => formatMoney(m.replacementCost), csv: (m) => m.replacementCost },
              { key: 'price', header: 'Precio', numeric: true, render: (m) => formatMoney(m.price), csv: (m) => m.price },
              { key: 'margin', header: 'Margen', numeric: true, render: (m) => <Text c={m.belowMinimumMargin ? 'red.8' : undefined} fw={m.belowMinimumMargin ? 700 : undefined} span>{formatPercent(m.marginPct)}</Text>, csv: (m) => m.marginPct },
            ]}
          />
        </Stack>
      )}
    </QueryState>
  );
}

function HistoryPanel() {
  const [text, setText] = useState('');
  const [sku, setSku] = useState('');
  const history = usePriceHistory(sku);
  return (
    <Stack gap="sm">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setSku(text.trim());
        }}
      >
        <Group align="flex-end">
          <TextInput label="Producto (SKU)" value={text} onChange={(e) => setText(e.currentTarget.value)} />
          <Button type="submit" variant="default">
            Ver historial
          </Button>
        </Group>
      </form>
      {sku && (
        <QueryState query={history} isEmpty={(d) => d.items.length === 0} empty="Este producto todavía no tuvo cambios de precio.">
          {(d) => (
            <LineChart
              h={260}
              data={[...d.items].reverse().map((h) => ({ fecha: formatDate(h.changedAt), Precio: Number(h.newPrice), Costo: Number(h.cost) }))}
              dataKey="fecha"
              series={[
                { name: 'Precio', color: 'blue.6' },
                { name: 'Costo', color: 'orange.6' },
              ]}
              valueFormatter={(v) => formatMoney(v)}
              withLegend
              curveType="stepAfter"
              aria-label="Precio y costo en el tiempo"
            />
          )}
        </QueryState>
      )}
    </Stack>
  );
}

function InflationPanel() {
  const index = useInflationIndex();
  const importer = useImportIndex();
  const { can } = useAuth();
  const [csv, setCsv] = useState('');
  const [series, setSeries] = useState<'official' | 'expected'>('official');
  const errors = importer.error instanceof ApiError ? ((importer.error.body.errors as { path: string; message: string }[] | undefined) ?? []) : [];
  return (
    <Stack gap="md">
      <QueryState query={index} isEmpty={(d) => d.items.length === 0} empty="No hay datos de inflación cargados.">
        {(d) => {
          const periods = [...new Set(d.items.map((i) => i.period))].sort().slice(-24);
          const data = periods.map((p) => ({
            mes: p,
            Oficial: Number(d.items.find((i) => i.series === 'official' && i.period === p)?.rate ?? NaN),
            Esperada: Number(d.items.find((i) => i.series === 'expected' && i.period === p)?.rate ?? NaN),
          }));
          return (
            <LineChart
              h={260}
              data={data}
              dataKey="mes"
              series={[
                { name: 'Oficial', color: 'blue.6' },
                { name: 'Esperada', color: 'grape.6' },
              ]}
              valueFormatter={(v) => formatPercent(v)}
              withLegend
              connectNulls={false}
              aria-label="Inflación mensual oficial y esperada"
            />
          );
        }}
      </QueryState>
      {can('prices:write') && (
        <Paper withBorder p="md" radius="md">
          <Title order={2} fz="h4" mb="xs">
            Importar CSV
          </Title>
          <Text size="sm" c="dimmed" mb="sm">
            Una línea por mes: <code>período,tasa</code> (por ejemplo <code>2025-08,3.9</code>). Si alguna línea está mal no se importa nada.
          </Text>
          <Stack gap="sm">
            <SegmentedControl
              value={series}
              onChange={(v) => setSeries(v as typeof series)}
              data={[
                { value: 'official', label: 'Oficial' },
                { value: 'expected', label: 'Esperada' },
              ]}
              aria-label="Serie"
            />
            <Textarea label="Contenido del CSV" value={csv} onChange={(e) => setCsv(e.currentTarget.value)} autosize minRows={4} />
            <Group>
              <FileButton accept=".csv,text/csv,text/plain" onChange={(f) => void f?.text().then(setCsv)}>
                {(props) => (
                  <Button variant="default" {...props}>
                    Elegir archivo
                  </Button>
                )}
              </FileButton>
              <Button disabled={!csv.trim()} loading={importer.isPending} onClick={() => importer.mutate({ csv, series })}>
                Importar
              </Button>
            </Group>
            {importer.isSuccess && <Alert color="green">Importado.</Alert>}
            {importer.error && (
              <Alert color="red" title="No se importó nada" role="alert">
                {errors.length ? (
                  <List size="sm">
                    {errors.map((e) => (
                      <List.Item key={e.path}>
                        {e.path.replace('line', 'Línea')}: {e.message}
                      </List.Item>
                    ))}
                  </List>
                ) : (
                  <ErrorAlert error={importer.error} />
                )}
              </Alert>
            )}
          </Stack>
        </Paper>
      )}
    </Stack>
  );
}
