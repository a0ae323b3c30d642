import { useState, type FormEvent } from 'react';
import { Alert, Badge, Button, Code, CopyButton, Group, Modal, Paper, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useApiKeys, useCreateApiKey, useRevokeApiKey } from '../../api/queries/admin';
import type { ApiKey, CreatedApiKey, Role } from '../../api/views';
import { roleLabel } from '../../auth/permissions';
import { DataTable, type Column } from '../../components/DataTable';
import { PageHeader } from '../../components/PageHeader';
import { ErrorAlert, QueryState } from '../../components/QueryState';
import { roleOptions } from '../../components/roleOptions';
import { formatDate } from '../../lib/format';

/** Claves de API (admin): keys for machines (cash registers, scripts); shown once, revocable. */
export default function ClavesApiPage() {
  const keys = useApiKeys();
  const create = useCreateApiKey();
  const revoke = useRevokeApiKey();
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('deposito');
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(
      { name: name.trim(), role },
      {
        onSuccess: (k) => {
          setCreated(k);
          setName('');
        },
      },
    );
  };

  const columns: Column<ApiKey>[] = [
    { key: 'name', header: 'Nombre', render: (k) => k.name, csv: (k) => k.name },
    { key: 'prefix', header: 'Empieza con', render: (k) => <Code>{k.prefix}…</Code>, csv: (k) => k.prefix, hideOnPhone: true },
    { key: 'role', header: 'Rol', render: (k) => roleLabel[k.role], csv: (k) => roleLabel[k.role] },
    { key: 'created', header: 'Creada', render: (k) => formatDate(k.createdAt), csv: (k) => formatDate(k.createdAt) },
    {
      key: 'state',
      header: 'Estado',
      render: (k) =>
        k.revokedAt ? (
          <Badge color="gray">Revocada {formatDate(k.revokedAt)}</Badge>
        ) : (
          <Group gap="xs" justify="flex-end" wrap="nowrap">
            <Badge color="green">Activa</Badge>
            <Button size="xs" variant="light" color="red" onClick={() => setRevoking(k)} aria-label={`Revocar ${k.name}`}>
              Revocar
            </Button>
          </Group>
        ),
      csv: (k) => (k.revokedAt ? `revocada ${formatDate(k.revokedAt)}` : 'activa'),
    },
  ];

  return (
    <>
      <PageHeader title="Claves de API" description="Para sistemas que se conectan a Gondola (cajas, scripts). Las personas usan usuarios." />
      <Stack>
        <Paper withBorder p="md" radius="md">
          <form onSubmit={submit} aria-label="Nueva clave de API">
            <Stack>
              <Title order={2} fz="h4">
                Nueva clave
              </Title>
              {!!create.error && <ErrorAlert error={create.error} title="No se pudo crear" />}
              <Group align="flex-end" wrap="wrap">
                <TextInput label="Nombre" description="Para qué es (ej. Caja 1)" value={name} onChange={(e) => setName(e.currentTarget.value)} required style={{ flex: '1 1 200px' }} />
                <Select label="Rol" data={roleOptions} value={role} onChange={(v) => setRole((v as Role) ?? role)} allowDeselect={false} w={220} />
                <Button type="submit" loading={create.isPending} disabled={!name.trim()}>
                  Crear clave
                </Button>
              </Group>
            </Stack>
          </form>
        </Paper>
        {created && (
          <Alert color="green" title={`Clave «${created.name}» creada`} withCloseButton onClose={() => setCreated(null)} closeButtonLabel="Cerrar">
            <Stack gap="xs">
              <Text size="sm">Copiala ahora: no se vuelve a mostrar.</Text>
              <Code block style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}>
                {created.key}
              </Code>
              <CopyButton value={created.key}>{({ copied, copy }) => <Button onClick={copy} variant="light">{copied ? 'Copiada' : 'Copiar clave'}</Button>}</CopyButton>
            </Stack>
          </Alert>
        )}
        {!!revoke.error && <ErrorAlert error={revoke.error} title="No se pudo revocar" />}
        <QueryState query={keys} isEmpty={(k) => k.length === 0} empty="No hay claves de API.">
          {(items) => <DataTable columns={columns} rows={items} rowKey={(k) => String(k.id)} csvName="claves-api" />}
        </QueryState>
      </Stack>
      <Modal opened={!!revoking} onClose={() => setRevoking(null)} title="Revocar clave">
        <Stack>
          <Text>
            ¿Revocar la clave «{revoking?.name}»? Lo que la use deja de funcionar en menos de un minuto. No se puede deshacer.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRevoking(null)}>
              Cancelar
            </Button>
            <Button
              color="red"
              loading={revoke.isPending}
              onClick={() =>
                revoking &&
                revoke.mutate(revoking.id, {
                  onSuccess: () => {
                    notifications.show({ color: 'green', message: `Clave «${revoking.name}» revocada.` });
                    setRevoking(null);
                  },
                })
              }
            >
              Revocar
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
