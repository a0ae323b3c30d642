import { useState } from 'react';
import { Anchor, Badge, Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconExternalLink, IconRefresh } from '@tabler/icons-react';
import { useFailedJobs, useQueues, useRetryJob, type QueueName } from '../../api/queries/queues';
import { problemMessage } from '../../api/problem';
import { PageHeader } from '../../components/PageHeader';
import { QueryState } from '../../components/QueryState';
import { formatDateTime, formatInteger } from '../../lib/format';

export const queueLabel: Record<string, string> = {
  'stock-movements': 'Movimientos de stock',
  'invoice-ingest': 'Lectura de facturas',
  'price-recalculations': 'Recálculo de precios',
  'inflation-updates': 'Índices de inflación',
  'demand-forecasts': 'Pronósticos',
};

const states = [
  ['waiting', 'En espera'],
  ['active', 'En curso'],
  ['delayed', 'Demorados'],
  ['failed', 'Fallidos'],
  ['completed', 'Terminados'],
] as const;

/** Colas (admin): jobs per queue, the last failures with their reason, and a retry button. */
export default function ColasPage() {
  const queues = useQueues();
  const [selected, setSelected] = useState<QueueName | null>(null);
  return (
    <>
      <PageHeader
        title="Colas"
        description="Trabajos en segundo plano: se actualiza cada 5 segundos."
        actions={
          <Anchor href="/admin/queues" target="_blank" rel="noopener">
            <Group gap={4}>
              Panel completo de colas <IconExternalLink size={16} />
            </Group>
          </Anchor>
        }
      />
      <QueryState query={queues} isEmpty={(d) => d.items.length === 0}>
        {(d) => (
          <Stack gap="lg">
            <Paper withBorder p="sm" radius="md">
              <Table.ScrollContainer minWidth={320} scrollAreaProps={{ viewportProps: { tabIndex: 0, 'aria-label': 'Trabajos por cola (se desplaza a los costados)' } }}>
                <Table verticalSpacing={6} striped>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Cola</Table.Th>
                      {states.map(([, label]) => (
                        <Table.Th key={label} ta="right">
                          {label}
                        </Table.Th>
                      ))}
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {d.items.map((q) => (
                      <Table.Tr key={q.queue}>
                        <Table.Td>
                          {queueLabel[q.queue] ?? q.queue} {q.paused && <Badge color="gray">pausada</Badge>}
                        </Table.Td>
                        {states.map(([state]) => (
                          <Table.Td key={state} ta="right">
                            {state === 'failed' && q.counts.failed > 0 ? (
                              <Button size="compact-sm" color="red" variant="light" onClick={() => setSelected(q.queue)} aria-label={`Ver ${q.counts.failed} fallidos de ${queueLabel[q.queue] ?? q.queue}`}>
                                {formatInteger(q.counts.failed)}
                              </Button>
                            ) : (
                              formatInteger(q.counts[state])
                            )}
                          </Table.Td>
                        ))}
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            </Paper>
            {selected && <FailedJobs queue={selected} />}
          </Stack>
        )}
      </QueryState>
    </>
  );
}

function FailedJobs({ queue }: { queue: QueueName }) {
  const failed = useFailedJobs(queue);
  const retry = useRetryJob();
  return (
    <Paper withBorder p="md" radius="md">
      <Title order={2} fz="h4" mb="sm">
        Últimos fallidos de {queueLabel[queue] ?? queue}
      </Title>
      <QueryState query={failed} isEmpty={(d) => d.items.length === 0} empty="No hay trabajos fallidos en esta cola.">
        {(d) => (
          <Stack gap="sm">
            {d.items.map((j) => (
              <Paper key={j.id} withBorder p="sm" radius="sm">
                <Group justify="space-between" align="flex-start" wrap="wrap">
                  <Stack gap={2} style={{ flex: 1, minWidth: 200 }}>
                    <Text fw={600}>
                      {j.name} <Text span c="dimmed" size="sm">#{j.id}</Text>
                    </Text>
                    <Text size="sm" c="red.8" style={{ overflowWrap: 'anywhere' }}>
                      {j.failedReason ?? 'sin motivo registrado'}
                    </Text>
                    <Text size="xs" c="dimmed">
                      Falló {formatDateTime(j.failedAt)} · {j.attemptsMade} de {j.attempts} intentos
                    </Text>
                  </Stack>
                  <Button
                    leftSection={<IconRefresh size={18} />}
                    loading={retry.isPending && retry.variables?.id === j.id}
                    onClick={() =>
                      retry.mutate(
                        { queue, id: j.id },
                        {
                          onSuccess: () => notifications.show({ color: 'green', message: `El trabajo ${j.id} vuelve a la cola.` }),
                          onError: (e) => notifications.show({ color: 'red', message: problemMessage(e) }),
                        },
                      )
                    }
                  >
                    Reintentar
                  </Button>
                </Group>
              </Paper>
            ))}
          </Stack>
        )}
      </QueryState>
    </Paper>
  );
}
