import { useState, type FormEvent } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { Alert, Button, Center, Image, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { IconLock } from '@tabler/icons-react';
import { problemMessage, ApiError } from '../../api/problem';
import { useAuth, useSignIn } from '../../auth/auth';

/** Ingresar: user name and password; wrong passwords and the lockout are explained in words. */
export default function IngresarPage() {
  useDocumentTitle('Ingresar · Gondola');
  const { user } = useAuth();
  const signIn = useSignIn();
  const navigate = useNavigate();
  const from = (useLocation().state as { from?: string } | null)?.from ?? '/';
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');

  if (user && !signIn.isPending) return <Navigate to={from} replace />;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (signIn.isPending) return;
    signIn.mutate({ username: username.trim(), password }, { onSuccess: () => navigate(from, { replace: true }) });
  };
  const locked = signIn.error instanceof ApiError && signIn.error.code === 'login_locked';

  return (
    <Center mih="100dvh" p="md" bg="gray.0">
      <Paper component="main" withBorder shadow="sm" p={{ base: 'md', sm: 'xl' }} radius="md" w="100%" maw={400}>
        <form onSubmit={submit} noValidate>
          <Stack>
            <Stack gap={4} align="center">
              <Image src="/favicon.svg" w={48} h={48} alt="" />
              <Title order={1} fz="h2">
                Gondola
              </Title>
              <Text c="dimmed" size="sm">
                Ingresá con tu usuario del negocio
              </Text>
            </Stack>
            {signIn.isError && (
              <Alert color={locked ? 'orange' : 'red'} icon={locked ? <IconLock /> : undefined} role="alert" title={locked ? 'Ingreso bloqueado' : 'No pudiste ingresar'}>
                {problemMessage(signIn.error)}
              </Alert>
            )}
            <TextInput label="Usuario" name="username" autoComplete="username" autoCapitalize="none" autoCorrect="off" spellCheck={false} required value={username} onChange={(e) => setUsername(e.currentTarget.value)} data-autofocus autoFocus />
            <PasswordInput label="Contraseña" name="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.currentTarget.value)} />
            <Button type="submit" loading={signIn.isPending} disabled={!username.trim() || !password} fullWidth size="md">
              Ingresar
            </Button>
            <Text size="xs" c="dimmed" ta="center">
              ¿Olvidaste la contraseña? Pedile al administrador que la cambie.
            </Text>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
