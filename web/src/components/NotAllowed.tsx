import { Alert } from '@mantine/core';
import { PageHeader } from './PageHeader';

export function NotAllowed() {
  return (
    <>
      <PageHeader title="Sin permiso" />
      <Alert color="yellow">Tu usuario no tiene acceso a esta página. Si lo necesitás, pedíselo al administrador.</Alert>
    </>
  );
}

export function NotFoundPage() {
  return (
    <>
      <PageHeader title="Página inexistente" />
      <Alert color="gray">Esta dirección no corresponde a ninguna página. Usá el menú para seguir.</Alert>
    </>
  );
}
