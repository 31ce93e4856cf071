import { NavLink, Outlet } from 'react-router';
import { api } from '../api/api';
import { session } from '../api/session';
import { useApi } from '../api/use-api';
import { ApprovalsLink } from './ApprovalsLink';

const LINKS = [
  ['/workflows', 'Workflows'],
  ['/runs', 'Runs'],
  ['/schedules', 'Schedules'],
  ['/agents', 'Agents'],
  ['/templates', 'Templates'],
  ['/marketplace', 'Marketplace'],
  ['/analytics', 'Analytics'],
  ['/settings', 'Settings'],
] as const;

export function Layout() {
  const me = useApi(() => api.me(), []);
  return (
    <div className="layout">
      <header className="top">
        <strong className="brand">Chainmail</strong>
        <nav aria-label="Main">
          {LINKS.map(([to, label]) => (
            <NavLink key={to} to={to}>
              {label}
            </NavLink>
          ))}
          <ApprovalsLink />
        </nav>
        <span className="who">
          {me.data && (
            <span title={me.data.scopes.join(', ')}>
              {me.data.user.name}
              {me.data.user.admin ? ' (admin)' : ''}
            </span>
          )}
          <button type="button" className="link" onClick={() => session.signOut()}>
            Sign out
          </button>
        </span>
      </header>
      <main className="page">
        <Outlet />
      </main>
    </div>
  );
}
