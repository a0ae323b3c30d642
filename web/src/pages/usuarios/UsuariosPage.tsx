import { useState, type FormEvent } from 'react';
import { Badge, Button, Group, Modal, PasswordInput, Select, Stack, Switch, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlus } from '@tabler/icons-react';
import { useCreateUser, useUpdateUser, useUsers } from '../../api/queries/admin';
import type { Role, UserView } from '../../api/views';
import { useAuth } from '../../auth/auth';
import { roleLabel } from '../../auth/permissions';
import { DataTable, type Column } from '../../components/DataTable';
import { PageHeader } from '../../components/PageHeader';
import { ErrorAlert, QueryState } from '../../components/QueryState';
import { roleOptions } from '../../components/roleOptions';
import { formatDate } from '../../lib/format';

const MIN_PASSWORD = 10;

/** Usuarios (admin): create people, change role or name, reset password, deactivate. */
export default function UsuariosPage() {
  const users = useUsers();
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<UserView | null>(null);
  const columns: Column<UserView>[] = [
    { key: 'name', header: 'Nombre', render: (u) => u.displayName, csv: (u) => u.displayName },
    { key: 'username', header: 'Usuario', render: (u) => u.username, csv: (u) => u.username },
    { key: 'role', header: 'Rol', render: (u) => roleLabel[u.role], csv: (u) => roleLabel[u.role] },
    { key: 'active', header: 'Estado', render: (u) => (u.active ? <Badge color="green">Activo</Badge> : <Badge color="gray">Inactivo</Badge>), csv: (u) => (u.active ? 'activo' : 'inactivo') },
    { key: 'created', header: 'Alta', render: (u) => formatDate(u.createdAt), csv: (u) => formatDate(u.createdAt), hideOnPhone: true },
  ];
  return (
    <>
      <PageHeader
        title="Usuarios"
        description="Personas que ingresan a Gondola"
        actions={
          <Button leftSection={<IconPlus size={18} />} onClick={() => setCreating(true)}>
            Nuevo usuario
          </Button>
        }
      />
      <QueryState query={users} isEmpty={(u) => u.length === 0} empty="No hay usuarios.">
        {(items) => <DataTable columns={columns} rows={items} rowKey={(u) => String(u.id)} csvName="usuarios" onRowClick={setEditing} />}
      </QueryState>
      <Modal opened={creating} onClose={() => setCreating(false)} title="Nuevo usuario">
        <CreateUser onDone={() => setCreating(false)} />
      </Modal>
      <Modal opened={!!editing} onClose={() => setEditing(null)} title={editing ? `Editar ${editing.displayName}` : ''}>
        {editing && <EditUser user={editing} onDone={() => setEditing(null)} />}
      </Modal>
    </>
  );
}

function CreateUser({ onDone }: { onDone: () => void }) {
  const create = useCreateUser();
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [password, setPassword] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(
      { username: username.trim().toLowerCase(), displayName: displayName.trim(), role, password },
      {
        onSuccess: (u) => {
          notifications.show({ color: 'green', message: `Usuario ${u.username} creado. Pasale la contraseña en persona.` });
          onDone();
        },
      },
    );
  };
  return (
    <form onSubmit={submit}>
      <Stack>
        {!!create.error && <ErrorAlert error={create.error} title="No se pudo crear" />}
        <TextInput label="Usuario" description="Para ingresar: minúsculas, números, punto o guion" value={username} onChange={(e) => setUsername(e.currentTarget.value)} autoCapitalize="none" required />
        <TextInput label="Nombre" value={displayName} onChange={(e) => setDisplayName(e.currentTarget.value)} required />
        <Select label="Rol" data={roleOptions} value={role} onChange={(v) => setRole((v as Role) ?? 'viewer')} allowDeselect={false} />
        <PasswordInput label="Contraseña inicial" description={`Al menos ${MIN_PASSWORD} caracteres`} value={password} onChange={(e) => setPassword(e.currentTarget.value)} autoComplete="new-password" required />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            Cancelar
          </Button>
          <Button type="submit" loading={create.isPending} disabled={!username.trim() || !displayName.trim() || password.length < MIN_PASSWORD}>
            Crear usuario
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function EditUser({ user, onDone }: { user: UserView; onDone: () => void }) {
  const { user: me } = useAuth();
  const update = useUpdateUser();
  const [displayName, setDisplayName] = useState(user.displayName);
  const [role, setRole] = useState<Role>(user.role);
  const [active, setActive] = useState(user.active);
  const [password, setPassword] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    update.mutate(
      {
        id: user.id,
        ...(displayName.trim() !== user.displayName && { displayName: displayName.trim() }),
        ...(role !== user.role && { role }),
        ...(active !== user.active && { active }),
        ...(password && { password }),
      },
      {
        onSuccess: () => {
          notifications.show({ color: 'green', message: password ? 'Cambios guardados. Sus sesiones abiertas se cerraron.' : 'Cambios guardados.' });
          onDone();
        },
      },
    );
  };
  const self = me?.id === user.id;
  return (
    <form onSubmit={submit}>
      <Stack>
        {!!update.error && <ErrorAlert error={update.error} title="No se pudo guardar" />}
        <Text size="sm" c="dimmed">
          Usuario: {user.username}
        </Text>
        <TextInput label="Nombre" value={displayName} onChange={(e) => setDisplayName(e.currentTarget.value)} required />
        <Select label="Rol" data={roleOptions} value={role} onChange={(v) => setRole((v as Role) ?? role)} allowDeselect={false} />
        <Switch label="Activo (puede ingresar)" checked={active} onChange={(e) => setActive(e.currentTarget.checked)} disabled={self} description={self ? 'No podés desactivarte a vos mismo' : undefined} size="md" />
        <PasswordInput label="Nueva contraseña (opcional)" description={`Para blanquearla: al menos ${MIN_PASSWORD} caracteres; cierra sus sesiones`} value={password} onChange={(e) => setPassword(e.currentTarget.value)} autoComplete="new-password" error={password && password.length < MIN_PASSWORD ? `Al menos ${MIN_PASSWORD} caracteres` : undefined} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            Cancelar
          </Button>
          <Button type="submit" loading={update.isPending} disabled={!!password && password.length < MIN_PASSWORD}>
            Guardar
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
