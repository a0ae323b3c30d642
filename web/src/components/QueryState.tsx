import type { ReactNode } from 'react';
import { Alert, Button, Center, Group, Loader, Stack, Text } from '@mantine/core';
import { IconAlertTriangle, IconInbox } from '@tabler/icons-react';
import type { UseQueryResult } from '@tanstack/react-query';
import { problemMessage } from '../api/problem';

/** The error of a read or a write, in words, with an optional retry. */
export function ErrorAlert({ error, onRetry, title = 'No se pudo completar' }: { error: unknown; onRetry?: () => void; title?: string }) {
  return (
    <Alert color="red" variant="light" title={title} icon={<IconAlertTriangle />} role="alert">
      <Stack gap="xs">
        <Text size="sm">{problemMessage(error)}</Text>
        {onRetry && (
          <Group>
            <Button variant="white" color="red" onClick={onRetry}>
              Reintentar
            </Button>
          </Group>
        )}
      </Stack>
    </Alert>
  );
}

export function EmptyState({ children }: { children: ReactNode }) {
  return (
    <Center py="xl">
      <Stack align="center" gap="xs">
        <IconInbox size={36} stroke={1.5} color="var(--mantine-color-dimmed)" aria-hidden />
        <Text c="dimmed" ta="center">
          {children}
        </Text>
      </Stack>
    </Center>
  );
}

export function Loading({ label = 'Cargando…' }: { label?: string }) {
  return (
    <Center py="xl">
      <Group gap="sm">
        <Loader size="sm" />
        <Text c="dimmed">{label}</Text>
      </Group>
    </Center>
  );
}

/**
 * Every list goes through this: loading, error (with retry), empty, or the content.
 * `isEmpty` decides emptiness from the data.
 */
export function QueryState<T>({ query, isEmpty, empty, children }: { query: UseQueryResult<T>; isEmpty?: (data: T) => boolean; empty?: ReactNode; children: (data: T) => ReactNode }) {
  if (query.isPending) return <Loading />;
  if (query.isError) return <ErrorAlert error={query.error} onRetry={() => void query.refetch()} title="No se pudieron cargar los datos" />;
  if (isEmpty?.(query.data)) return <EmptyState>{empty ?? 'No hay nada para mostrar.'}</EmptyState>;
  return <>{children(query.data)}</>;
}
