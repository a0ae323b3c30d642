import type { ReactNode } from 'react';
import { Button, Card, Group, Stack, Table, Text, UnstyledButton } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconFileSpreadsheet } from '@tabler/icons-react';
import { downloadCsv, toCsv, type CsvCell } from '../lib/csv';
import { todayIso } from '../lib/format';

export interface Column<T> {
  key: string;
  header: string;
  render: (row: T) => ReactNode;
  /** The cell in the CSV export; omit to leave the column out of it. */
  csv?: (row: T) => CsvCell;
  /** Numbers align right and go to the CSV with a decimal comma. */
  numeric?: boolean;
  /** Hidden in the phone card view (secondary detail). */
  hideOnPhone?: boolean;
  /** Only in the CSV export, not on screen. */
  csvOnly?: boolean;
  /** Only in the phone card view (e.g. a compact summary of several desktop columns). */
  phoneOnly?: boolean;
}

interface Props<T> {
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  /** File name of the CSV export (without extension); no export button when absent. */
  csvName?: string;
  /** The rows the CSV export writes when they differ from the visible ones (e.g. every page). */
  csvRows?: () => Promise<T[]> | T[];
  onRowClick?: (row: T) => void;
  caption?: string;
}

/** The CSV export button of a table (UTF-8 with BOM, `;`, decimal comma). */
export function CsvButton<T>({ name, columns, rows }: { name: string; columns: Column<T>[]; rows: () => Promise<T[]> | T[] }) {
  const exportCsv = async () => {
    const data = await rows();
    const cols = columns.filter((c) => c.csv).map((c) => ({ header: c.header, value: c.csv!, kind: c.numeric ? ('number' as const) : ('text' as const) }));
    downloadCsv(`${name}-${todayIso()}`, toCsv(cols, data));
  };
  return (
    <Button variant="default" leftSection={<IconFileSpreadsheet size={18} />} onClick={() => void exportCsv()}>
      Exportar CSV
    </Button>
  );
}

/**
 * A table on a desktop, a list of cards on a phone (no sideways scroll). Rows can be opened with
 * a click or with Enter when focused.
 */
export function DataTable<T>({ columns: allColumns, rows, rowKey, csvName, csvRows, onRowClick, caption }: Props<T>) {
  const columns = allColumns.filter((c) => !c.csvOnly);
  const phone = useMediaQuery('(max-width: 48em)', false, { getInitialValueInEffect: false });
  const exportButton = csvName ? (
    <Group justify="flex-end" className="no-print">
      <CsvButton name={csvName} columns={allColumns} rows={csvRows ?? (() => rows)} />
    </Group>
  ) : null;

  if (phone) {
    const [first, ...rest] = columns;
    return (
      <Stack gap="xs">
        {exportButton}
        {rows.map((row) => {
          const body = (
            <Stack gap={4}>
              <Text fw={600}>{first?.render(row)}</Text>
              {rest
                .filter((c) => !c.hideOnPhone)
                .map((c) => (
                  <Group key={c.key} justify="space-between" gap="xs" wrap="nowrap">
                    <Text size="sm" c="dimmed">
                      {c.header}
                    </Text>
                    <Text size="sm" ta="right" component="div">
                      {c.render(row)}
                    </Text>
                  </Group>
                ))}
            </Stack>
          );
          return (
            <Card key={rowKey(row)} withBorder padding="sm" radius="md">
              {onRowClick ? (
                <UnstyledButton onClick={() => onRowClick(row)} style={{ display: 'block', width: '100%' }}>
                  {body}
                </UnstyledButton>
              ) : (
                body
              )}
            </Card>
          );
        })}
      </Stack>
    );
  }

  const desktopColumns = columns.filter((c) => !c.phoneOnly);
  return (
    <Stack gap="xs">
      {exportButton}
      <Table.ScrollContainer minWidth={500}>
        <Table striped highlightOnHover={!!onRowClick} verticalSpacing="xs">
          {caption && <Table.Caption>{caption}</Table.Caption>}
          <Table.Thead>
            <Table.Tr>
              {desktopColumns.map((c) => (
                <Table.Th key={c.key} ta={c.numeric ? 'right' : undefined}>
                  {c.header}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row) => (
              <Table.Tr
                key={rowKey(row)}
                onClick={onRowClick ? () => onRowClick(row) : undefined}
                onKeyDown={onRowClick ? (e) => e.key === 'Enter' && onRowClick(row) : undefined}
                tabIndex={onRowClick ? 0 : undefined}
                style={onRowClick ? { cursor: 'pointer' } : undefined}
              >
                {desktopColumns.map((c) => (
                  <Table.Td key={c.key} ta={c.numeric ? 'right' : undefined} style={c.numeric ? { whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' } : undefined}>
                    {c.render(row)}
                  </Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
