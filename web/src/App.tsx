import { useEffect, useSyncExternalStore } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { session } from './api/session';
import { CALLBACK_PATH, keepOidcSignInFresh } from './auth/oidc';
import { Layout } from './components/Layout';
import { AgentsPage } from './pages/AgentsPage';
import { AnalyticsPage } from './pages/AnalyticsPage';
import { ApprovalsPage } from './pages/ApprovalsPage';
import { BuilderPage } from './pages/BuilderPage';
import { ListingPage } from './pages/ListingPage';
import { MarketplacePage } from './pages/MarketplacePage';
import { OidcCallbackPage } from './pages/OidcCallbackPage';
import { RunPage } from './pages/RunPage';
import { RunsPage } from './pages/RunsPage';
import { SchedulesPage } from './pages/SchedulesPage';
import { SettingsPage } from './pages/SettingsPage';
import { SignInPage } from './pages/SignInPage';
import { TemplatePage } from './pages/TemplatePage';
import { TemplatesPage } from './pages/TemplatesPage';
import { VersionsPage } from './pages/VersionsPage';
import { WorkflowAnalyticsPage } from './pages/WorkflowAnalyticsPage';
import { WorkflowsPage } from './pages/WorkflowsPage';

/** Every page but sign-in needs a token; a deep link (a mail's run page) opens after signing in. */
export function App() {
  const token = useSyncExternalStore(session.subscribe, session.token);
  // The issuer sends the browser back here, signed in or not (and to a hidden frame to renew).
  const callback = useLocation().pathname === CALLBACK_PATH;
  useEffect(
    () => (token !== null && !callback && session.via() === 'oidc' ? keepOidcSignInFresh(token) : undefined),
    [token, callback],
  );
  if (callback) return <OidcCallbackPage />;
  if (token === null) return <SignInPage />;
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route index element={<Navigate to="/workflows" replace />} />
        <Route path="workflows" element={<WorkflowsPage />} />
        <Route path="workflows/new" element={<BuilderPage />} />
        <Route path="workflows/:name" element={<BuilderPage />} />
        <Route path="workflows/:name/versions" element={<VersionsPage />} />
        <Route path="runs" element={<RunsPage />} />
        <Route path="runs/:id" element={<RunPage />} />
        <Route path="schedules" element={<SchedulesPage />} />
        <Route path="approvals" element={<ApprovalsPage />} />
        <Route path="agents" element={<AgentsPage />} />
        <Route path="analytics" element={<AnalyticsPage />} />
        <Route path="analytics/:workflow" element={<WorkflowAnalyticsPage />} />
        <Route path="settings" element={<SettingsPage />} />
        <Route path="templates" element={<TemplatesPage />} />
        <Route path="templates/:id" element={<TemplatePage />} />
        <Route path="marketplace" element={<MarketplacePage />} />
        <Route path="marketplace/:id" element={<ListingPage />} />
        <Route path="*" element={<p role="alert">There is no page at this address.</p>} />
      </Route>
    </Routes>
  );
}
