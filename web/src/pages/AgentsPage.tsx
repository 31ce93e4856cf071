import { api } from '../api/api';
import { useApi } from '../api/use-api';
import { PageTitle, Problem, When } from '../components/bits';

/** The agent directory this identity may use: builtin agents and registered ones. */
export function AgentsPage() {
  const agents = useApi(() => api.agents(), []);
  return (
    <>
      <PageTitle>Agents</PageTitle>
      <Problem error={agents.error} />
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Address</th>
              <th>Kind</th>
              <th>Description</th>
              <th>Model and price</th>
              <th>Registered</th>
            </tr>
          </thead>
          <tbody>
            {agents.data?.map((a) => (
              <tr key={a.address} data-agent={a.address}>
                <td>
                  <code>{a.address}</code>
                </td>
                <td>
                  {a.kind}
                  {a.source === 'registered' ? '' : ' (builtin)'}
                </td>
                <td>{a.description}</td>
                <td>
                  {a.pricing
                    ? `${a.pricing.model}${a.pricing.inputPerMillionUsd !== undefined ? ` · $${a.pricing.inputPerMillionUsd}/M in, $${a.pricing.outputPerMillionUsd}/M out` : ''}`
                    : '—'}
                </td>
                <td>{a.registeredAt ? <When at={a.registeredAt} /> : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
