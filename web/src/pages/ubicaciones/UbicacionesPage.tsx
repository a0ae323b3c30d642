import { useState, type FormEvent } from 'react';
import { Button, Group, Paper, Stack, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useCreateLocation, useLocations } from '../../api/queries/locations';
import type { Location } from '../../api/views';
import { useAuth } from '../../auth/auth';
import { DataTable, type Column } from '../../components/DataTable';
import { PageHeader } from '../../components/PageHeader';
import { ErrorAlert, QueryState } from '../../components/QueryState';
import { formatDate } from '../../lib/format';

const columns: Column<Location>[] = [
  { key: 'name', header: 'Nombre', render: (l) => l.name, csv: (l) => l.name },
  { key: 'code', header: 'Código', render: (l) => l.code, csv: (l) => l.code },
  { key: 'created', header: 'Creada', render: (l) => formatDate(l.createdAt), csv: (l) => formatDate(l.createdAt) },
];

/** Ubicaciones: where stock lives (salón, depósito…); depósito and admin create new ones. */
export default function UbicacionesPage() {
  const { can } = useAuth();
  const locations = useLocations();
  const create = useCreateLocation();
  const [code, setCode] = useState('');
  const [name, setName] = useState('');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(
      { code: code.trim().toUpperCase(), name: name.trim() },
      {
        onSuccess: (l) => {
          notifications.show({ color: 'green', message: `Ubicación ${l.name} creada.` });
          setCode('');
          setName('');
        },
      },
    );
  };

  return (
    <>
      <PageHeader title="Ubicaciones" description="Lugares donde se guarda stock" />
      <Stack>
        {can('locations:write') && (
          <Paper withBorder p="md" radius="md">
            <form onSubmit={submit} aria-label="Nueva ubicación">
              <Stack>
                <Title order={2} fz="h4">
                  Nueva ubicación
                </Title>
                {!!create.error && <ErrorAlert error={create.error} title="No se pudo crear" />}
                <Group align="flex-end" wrap="wrap">
                  <TextInput label="Código" description="Corto, sin espacios (ej. HELADERA)" value={code} onChange={(e) => setCode(e.currentTarget.value)} required maw={220} />
                  <TextInput label="Nombre" value={name} onChange={(e) => setName(e.currentTarget.value)} required style={{ flex: '1 1 200px' }} />
                  <Button type="submit" loading={create.isPending} disabled={!code.trim() || !name.trim()}>
                    Crear
                  </Button>
                </Group>
              </Stack>
            </form>
          </Paper>
        )}
        <QueryState query={locations} isEmpty={(l) => l.length === 0} empty="Todavía no hay ubicaciones.">
          {(items) => <DataTable columns={columns} rows={items} rowKey={(l) => l.code} csvName="ubicaciones" />}
        </QueryState>
      </Stack>
    </>
  );
}
