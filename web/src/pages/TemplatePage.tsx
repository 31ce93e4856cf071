import { useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { parseWorkflow } from '@chainmail/workflow-dsl';
import { gallery, type TemplateDetail } from '../api/gallery';
import { useApi } from '../api/use-api';
import { PageTitle, Problem } from '../components/bits';
import { UseTemplateForm } from '../components/UseTemplateForm';
import { WorkflowGraph } from '../components/WorkflowGraph';
import { guideParagraphs } from '../gallery/guide';

/** One template: its guide, parameters, agents, what it needs, a sample input and its graph; `Use template`. */
export function TemplatePage() {
  const id = useParams().id as string;
  const template = useApi(() => gallery.template(id), [id]);
  const [using, setUsing] = useState(false);
  if (template.error) return <Problem error={template.error} />;
  if (!template.data) return <p>Loading…</p>;
  const t = template.data;
  return (
    <div className="template-page">
      <PageTitle
        actions={
          <>
            <button type="button" className="primary" onClick={() => setUsing(true)}>
              Use template
            </button>
            <Link to="/templates">All templates</Link>
          </>
        }
      >
        {t.title} <small className="chip category">{t.category}</small>
      </PageTitle>
      <p>{t.description}</p>
      {using && <UseTemplateForm template={t} onCancel={() => setUsing(false)} />}
      <div className="detail-body">
        <div>
          <section aria-label="Guide">
            <h2>Guide</h2>
            {guideParagraphs(t.guide).map((spans, i) => (
              <p key={i}>
                {spans.map((s, j) =>
                  s.code ? <code key={j}>{s.text}</code> : <span key={j}>{s.text}</span>,
                )}
              </p>
            ))}
          </section>
          <TemplateFacts template={t} />
        </div>
        <TemplateGraph source={t.workflow} />
      </div>
    </div>
  );
}

function TemplateFacts({ template: t }: { template: TemplateDetail }) {
  return (
    <>
      <section aria-label="Parameters">
        <h2>Parameters</h2>
        {t.parameters.length === 0 ? (
          <p className="hint">None: it runs as it is.</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Type</th>
                  <th>Default</th>
                  <th>Description</th>
                </tr>
              </thead>
              <tbody>
                {t.parameters.map((p) => (
                  <tr key={p.name} data-parameter={p.name}>
                    <td>
                      <code>{p.name}</code>
                    </td>
                    <td>{p.type}</td>
                    <td>
                      <code>{String(p.default)}</code>
                    </td>
                    <td>{p.description}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section aria-label="Agents">
        <h2>Agents</h2>
        <ul>
          {t.agents.map((a) => (
            <li key={a.parameter ?? a.address}>
              <code>{a.address}</code>
              {a.parameter && <small> (parameter {a.parameter})</small>} — in production: {a.production}
            </li>
          ))}
        </ul>
      </section>
      {t.secrets.length + t.variables.length > 0 && (
        <section aria-label="Secrets and variables">
          <h2>Secrets and variables to set first</h2>
          <ul>
            {t.secrets.map((s) => (
              <li key={`s:${s.name}`}>
                secret <code>{s.name}</code> — {s.description}
              </li>
            ))}
            {t.variables.map((v) => (
              <li key={`v:${v.name}`}>
                variable <code>{v.name}</code> — {v.description}
              </li>
            ))}
          </ul>
          <p className="hint">
            Their names are on the <Link to="/settings">settings page</Link>; set them with{' '}
            <code>chainmail secrets set</code> and <code>chainmail variables set</code>.
          </p>
        </section>
      )}
      <section aria-label="Sample input">
        <h2>Sample input</h2>
        <pre>{JSON.stringify(t.sampleInput, null, 2)}</pre>
      </section>
    </>
  );
}

/** The template's workflow with its defaults, drawn as the builder draws it. */
function TemplateGraph({ source }: { source: string }) {
  const parsed = useMemo(() => parseWorkflow(source), [source]);
  return (
    <section className="detail-graph" aria-label="Graph">
      {parsed.ok ? (
        <WorkflowGraph definition={parsed.definition} />
      ) : (
        <p className="hint">The template's workflow does not parse: {parsed.errors[0]?.message}</p>
      )}
    </section>
  );
}
