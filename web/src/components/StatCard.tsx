import type { ReactNode } from 'react';
import { Anchor, Paper, Stack, Text } from '@mantine/core';
import { Link } from 'react-router';

/** One figure on a dashboard: label, big value, optional hint and link. */
export function StatCard({ label, value, hint, to, color }: { label: string; value: ReactNode; hint?: ReactNode; to?: string; color?: string }) {
  return (
    <Paper withBorder p="md" radius="md">
      <Stack gap={4}>
        <Text size="sm" c="dimmed" fw={500}>
          {label}
        </Text>
        <Text fz={{ base: 22, lg: 24 }} fw={700} c={color} style={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}>
          {value}
        </Text>
        {hint && (
          <Text size="xs" c="dimmed">
            {hint}
          </Text>
        )}
        {to && (
          <Anchor component={Link} to={to} size="sm">
            Ver detalle
          </Anchor>
        )}
      </Stack>
    </Paper>
  );
}
