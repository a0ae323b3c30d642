import { lazy, Suspense } from 'react';
import { createBrowserRouter, Navigate, Outlet, RouterProvider, useLocation } from 'react-router';
import { useAuth } from './auth/auth';
import { Layout } from './components/Layout';
import { NotAllowed, NotFoundPage } from './components/NotAllowed';
import { Loading } from './components/QueryState';
import { appRoutes, type AppRoute } from './routes';

const SignInPage = lazy(() => import('./pages/ingresar/IngresarPage'));

/** Pages behind sign-in: unknown visitors go to /ingresar and come back after. */
function RequireSignIn() {
  const { user, loading } = useAuth();
  const location = useLocation();
  if (loading) return <Loading label="Abriendo Gondola…" />;
  if (!user) return <Navigate to="/ingresar" replace state={{ from: `${location.pathname}${location.search}` }} />;
  return <Outlet />;
}

function Guarded({ route }: { route: AppRoute }) {
  const { can } = useAuth();
  if (route.permission && !can(route.permission)) return <NotAllowed />;
  return <route.page />;
}

const router = createBrowserRouter([
  {
    path: '/ingresar',
    element: (
      <Suspense fallback={<Loading />}>
        <SignInPage />
      </Suspense>
    ),
  },
  {
    element: <RequireSignIn />,
    children: [
      {
        element: <Layout />,
        children: [...appRoutes.map((r) => ({ path: r.path, element: <Guarded route={r} /> })), { path: '*', element: <NotFoundPage /> }],
      },
    ],
  },
]);

export function App() {
  return <RouterProvider router={router} />;
}
