import { Suspense } from 'react';
import { NavLink as RouterNavLink, Outlet, useLocation } from 'react-router';
import { AppShell, Burger, Button, Divider, Group, NavLink, ScrollArea, Stack, Text, UnstyledButton } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconLogout } from '@tabler/icons-react';
import { useEffect } from 'react';
import { useAuth, useSignOut } from '../auth/auth';
import { roleLabel } from '../auth/permissions';
import { appRoutes } from '../routes';
import { Loading } from './QueryState';

const sections = [
  { id: 'tienda', title: 'Tienda' },
  { id: 'admin', title: 'Administración' },
] as const;

/** Header + side navigation (a drawer behind the burger on phones) around every signed-in page. */
export function Layout() {
  const [opened, { toggle, close }] = useDisclosure(false);
  const { user, can } = useAuth();
  const signOut = useSignOut();
  const location = useLocation();
  useEffect(close, [location.pathname, close]);

  const visible = appRoutes.filter((r) => r.label && (!r.permission || can(r.permission)));
  const isActive = (path: string) => (path === '/' ? location.pathname === '/' : location.pathname === path || location.pathname.startsWith(`${path}/`));

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 240, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding={{ base: 'sm', sm: 'md' }}>
      <AppShell.Header className="no-print">
        <Group h="100%" px="sm" justify="space-between" wrap="nowrap">
          <Group gap="xs" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={opened ? 'Cerrar menú' : 'Abrir menú'} />
            <UnstyledButton component={RouterNavLink} to="/" aria-label="Gondola, ir al resumen">
              <Group gap={8} wrap="nowrap">
                <img src="/favicon.svg" width={28} height={28} alt="" />
                <Text fw={700} size="lg">
                  Gondola
                </Text>
              </Group>
            </UnstyledButton>
          </Group>
          <Text size="sm" c="dimmed" visibleFrom="xs" truncate>
            {user ? (user.displayName === roleLabel[user.role] ? user.displayName : `${user.displayName} · ${roleLabel[user.role]}`) : ''}
          </Text>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="xs" className="no-print" aria-label="Menú principal">
        <AppShell.Section grow component={ScrollArea}>
          <Stack gap={4}>
            {sections.map((s) => {
              const items = visible.filter((r) => (r.section ?? 'tienda') === s.id);
              if (!items.length) return null;
              return (
                <Stack key={s.id} gap={0}>
                  <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" pt="xs">
                    {s.title}
                  </Text>
                  {items.map((r) => (
                    <NavLink key={r.path} component={RouterNavLink} to={r.path} label={r.label} py={6} leftSection={r.icon ? <r.icon size={20} stroke={1.6} /> : null} active={isActive(r.path)} />
                  ))}
                </Stack>
              );
            })}
          </Stack>
        </AppShell.Section>
        <AppShell.Section>
          <Divider my="xs" />
          <Text size="sm" px="sm" hiddenFrom="xs">
            {user ? (user.displayName === roleLabel[user.role] ? user.displayName : `${user.displayName} · ${roleLabel[user.role]}`) : ''}
          </Text>
          <Button variant="subtle" color="gray" fullWidth justify="flex-start" leftSection={<IconLogout size={20} />} onClick={() => signOut.mutate()} loading={signOut.isPending}>
            Salir
          </Button>
        </AppShell.Section>
      </AppShell.Navbar>

      <AppShell.Main>
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
}
