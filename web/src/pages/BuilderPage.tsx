import { useEffect, useMemo, useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import type { Step, ValidationIssue, WorkflowDefinition } from '@chainmail/contracts';
import { parseWorkflow } from '@chainmail/workflow-dsl';
import { api, ApiError, type WorkflowDetail } from '../api/api';
import { ops } from '../api/ops';
import { useApi } from '../api/use-api';
import { PageTitle, Problem, Status } from '../components/bits';
import { InstalledFrom } from '../components/InstalledFrom';
import { MarketplacePublishForm } from '../components/MarketplacePublishForm';
import { PublishPanel } from '../components/PublishPanel';
import { StepPanel } from '../components/StepPanel';
import { TestRunForm } from '../components/TestRunForm';
import { useAction } from '../components/use-action';
import type { FromTemplate } from '../components/UseTemplateForm';
import { WorkflowGraph } from '../components/WorkflowGraph';
import { WorkflowPanel } from '../components/WorkflowPanel';
import { YamlEditor } from '../editor/YamlEditor';
import { inputTexts } from '../gallery/template-params';
import {
  addStep,
  addTrigger,
  connect,
  deleteStep,
  disconnect,
  moveStep,
  newDefinition,
  removeTrigger,
  renameStep,
  setNeeds,
  updateStep,
  updateWorkflow,
  type StepChanges,
} from '../workflow/edits';
import { problemsByStep, templateNames } from '../workflow/problems';
import { definitionToYaml } from '../workflow/to-yaml';

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

/**
 * The Workflow Builder: the graph and the YAML side by side, kept in sync both ways. Typing in the
 * YAML redraws the graph once it validates (the same parser as the server's, so the same errors
 * at the same line and column); an edit on the graph or in the side panel rewrites the YAML.
 */
export function BuilderPage() {
  const { name } = useParams();
  const navigate = useNavigate();
  // Opened from `Use template`: what was made, and the template's sample input for a test run.
  const fromTemplate = useLocation().state as FromTemplate | null;
  const agents = useApi(() => api.agents(), []);
  const secrets = useApi(() => api.secrets().catch(() => []), []);
  const variables = useApi(() => api.variables().catch(() => []), []);
  const saved = useApi(() => (name === undefined ? Promise.resolve(undefined) : api.workflow(name)), [name]);
  const existing = useApi(() => api.workflows().then((list) => list.map((w) => w.name)), []);

  const [source, setSource] = useState<string>();
  const [savedSource, setSavedSource] = useState<string>();
  const [selected, setSelected] = useState<string>();
  const [serverIssues, setServerIssues] = useState<ValidationIssue[]>([]);
  const [message, setMessage] = useState<string | undefined>(fromTemplate?.notice);
  const { busy, error, run } = useAction();
  const [asking, setAsking] = useState(false);
  const [publishing, setPublishing] = useState(false);
  const [sharing, setSharing] = useState(false);
  const [testRunId, setTestRunId] = useState<string>();
  // A test run: its steps' statuses on the graph until it ends (a run started a moment ago may not
  // be in the read model yet: asked again until it is).
  const testRun = useApi(
    () => (testRunId === undefined ? Promise.resolve(undefined) : api.run(testRunId)),
    [testRunId],
    700,
    (run) => testRunId !== undefined && (run === undefined || !TERMINAL.has(run.status)),
  ).data;

  const agentAddresses = useMemo(() => (agents.data ?? []).map((a) => a.address).sort(), [agents.data]);

  // The text to start from: the saved version's source, or a new workflow with one step.
  useEffect(() => {
    if (source !== undefined) return;
    if (name === undefined) {
      if (agents.data === undefined && agents.error === undefined) return;
      if (existing.data === undefined && existing.error === undefined) return;
      const first = agentAddresses.includes('echo@') ? 'echo@' : (agentAddresses[0] ?? 'echo@');
      setSource(definitionToYaml(newDefinition(freeName(existing.data ?? []), first)));
    } else if (saved.data !== undefined) {
      const text = savedText(saved.data);
      setSource(text);
      setSavedSource(text);
    }
  }, [name, saved.data, agents.data, agents.error, agentAddresses, source, existing.data, existing.error]);

  const result = useMemo(() => {
    if (source === undefined) return undefined;
    const known = agents.data === undefined ? undefined : new Set(agentAddresses);
    return parseWorkflow(source, { knownAgents: known && ((address) => known.has(address)) });
  }, [source, agents.data, agentAddresses]);

  // The graph shows the last definition that validated while the YAML is being fixed.
  const [definition, setDefinition] = useState<WorkflowDefinition>();
  useEffect(() => {
    if (result?.ok) setDefinition(result.definition);
  }, [result]);
  // The definition behind text the graph wrote: an edit there that does not validate (a step
  // reading one it does not wait for) can be carried on from the graph, with its problems shown.
  const [generated, setGenerated] = useState<{ source: string; definition: WorkflowDefinition }>();
  const working = result?.ok
    ? result.definition
    : generated !== undefined && generated.source === source
      ? generated.definition
      : undefined;
  const shown = working ?? definition;

  const issues = useMemo(
    () => [...(result && !result.ok ? result.errors : []), ...serverIssues],
    [result, serverIssues],
  );
  const problems = useMemo(() => (source ? problemsByStep(source, issues) : {}), [source, issues]);
  const editable = working !== undefined;
  const valid = result?.ok === true;
  const dirty = source !== savedSource;

  const edit = (change: (d: WorkflowDefinition) => WorkflowDefinition): void => {
    if (working === undefined) return;
    const next = change(working);
    const text = definitionToYaml(next);
    setServerIssues([]);
    setGenerated({ source: text, definition: next });
    setSource(text);
  };

  const statuses = useMemo(
    () => (testRun ? Object.fromEntries(testRun.steps.map((s) => [s.stepId, s.status])) : undefined),
    [testRun],
  );

  /**
   * Publishes the text shown as the workflow's next version and returns the name it was saved
   * under; the server's issues, when it refuses the text, go to their lines before it throws.
   */
  const publish = async (): Promise<string | undefined> => {
    if (source === undefined) return undefined;
    setMessage(undefined);
    const published = await api.publish(source).catch((err: unknown) => {
      if (err instanceof ApiError && err.issues.length > 0) setServerIssues(err.issues);
      throw err;
    });
    setServerIssues([]);
    setSavedSource(source);
    setMessage(
      `Saved ${published.name} as version ${published.version}` +
        (published.warnings.length ? ` (${published.warnings.length} warnings)` : ''),
    );
    if (published.name !== name)
      navigate(`/workflows/${encodeURIComponent(published.name)}`, { replace: true });
    return published.name;
  };

  const save = (): Promise<boolean> => run(publish);

  /** A version published elsewhere (an installed copy's update) replaces the text shown. */
  const reloadSaved = (): Promise<boolean> =>
    run(async () => {
      if (name === undefined) return;
      const text = savedText(await api.workflow(name));
      setServerIssues([]);
      setSource(text);
      setSavedSource(text);
    });

  /** Saves first when the text shown is not the saved version, then starts the run. */
  const startTestRun = (inputs: Record<string, unknown>, debug: boolean): Promise<boolean> =>
    run(async () => {
      const workflow = dirty || name === undefined ? await publish() : name;
      if (workflow === undefined) return;
      const { runId } = debug
        ? await ops.startDebugRun(workflow, inputs)
        : await api.startRun(workflow, inputs);
      setAsking(false);
      // A debug run waits for its Step and Resume buttons: on its run page.
      if (debug) navigate(`/runs/${runId}`);
      else setTestRunId(runId);
    });

  if (saved.error) return <Problem error={saved.error} />;
  if (source === undefined) return <p>Loading…</p>;

  const selectedStep = shown && selected ? findStep(shown.steps, selected) : undefined;
  const topIds = shown?.steps.map((s) => s.id) ?? [];
  const words = {
    agents: agentAddresses,
    templateNames: templateNames(
      topIds,
      shown?.inputs.map((i) => i.name) ?? [],
      (variables.data ?? []).map((v) => v.name),
      (secrets.data ?? []).map((s) => s.name),
    ),
  };

  return (
    <div className="builder">
      <PageTitle
        actions={
          <>
            <button
              type="button"
              disabled={!editable}
              onClick={() =>
                edit((d) =>
                  addStep(d, agentAddresses.includes('echo@') ? 'echo@' : (agentAddresses[0] ?? 'echo@')),
                )
              }
            >
              Add step
            </button>
            <button type="button" className="primary" disabled={busy || !valid} onClick={() => void save()}>
              Save Workflow
            </button>
            <button type="button" disabled={busy || !valid} onClick={() => setAsking(true)}>
              Test Run
            </button>
            <button type="button" disabled={name === undefined} onClick={() => setPublishing((p) => !p)}>
              Publish
            </button>
            <button type="button" disabled={name === undefined} onClick={() => setSharing((s) => !s)}>
              Publish to marketplace
            </button>
            {name && <Link to={`/workflows/${encodeURIComponent(name)}/versions`}>Versions</Link>}
            {name && <Link to={`/analytics/${encodeURIComponent(name)}`}>Analytics</Link>}
          </>
        }
      >
        {shown?.name ?? name ?? 'New workflow'}
        {dirty && <small className="dirty"> (not saved)</small>}
      </PageTitle>
      {shown && (
        <NameField
          value={shown.name}
          disabled={!editable}
          onCommit={(next) => edit((d) => ({ ...d, name: next }))}
        />
      )}
      {name === undefined && shown && existing.data?.includes(shown.name) && (
        <p role="note" className="hint">
          A workflow named {shown.name} exists: Save Workflow adds a version to it.
        </p>
      )}
      {message && (
        <p role="status" className="ok">
          {message}
        </p>
      )}
      <Problem error={error} />
      {publishing && name && <PublishPanel name={name} onDone={(text) => setMessage(text)} />}
      {name && <InstalledFrom workflow={name} onUpdated={() => void reloadSaved()} />}
      {sharing && name && <MarketplacePublishForm workflow={name} onClose={() => setSharing(false)} />}
      {asking && shown && (
        <TestRunForm
          inputs={shown.inputs}
          initial={fromTemplate ? inputTexts(fromTemplate.sampleInput) : undefined}
          busy={busy}
          onStart={(i, debug) => void startTestRun(i, debug)}
          onCancel={() => setAsking(false)}
        />
      )}
      {testRun && (
        <p role="status" className="test-run-status">
          Test run <Link to={`/runs/${testRun.id}`}>{testRun.id.slice(0, 8)}</Link>:{' '}
          <Status value={testRun.status} />
          {testRun.error && <span className="error"> {testRun.error.message}</span>}
        </p>
      )}
      <div className="builder-body">
        <section className="builder-graph" aria-label="Graph">
          {shown ? (
            <WorkflowGraph
              definition={shown}
              statuses={statuses}
              problems={problems}
              selected={selected}
              onSelect={setSelected}
              onConnect={(from, to) => edit((d) => connect(d, from, to))}
              onDeleteEdge={(from, to) => edit((d) => disconnect(d, from, to))}
              onDeleteStep={(id) => edit((d) => deleteStep(d, id))}
            />
          ) : (
            <p className="hint">The graph appears once the YAML is a valid workflow.</p>
          )}
          {selectedStep && shown && (
            <StepPanel
              key={selectedStep.id}
              step={selectedStep}
              topLevel={topIds.includes(selectedStep.id)}
              otherSteps={topIds.filter((id) => id !== selectedStep.id)}
              agents={agentAddresses}
              templateNames={words.templateNames.filter((n) => !n.startsWith(`${selectedStep.id}.`))}
              editable={editable}
              onChange={(changes: StepChanges) => edit((d) => updateStep(d, selectedStep.id, changes))}
              onRename={(to) => {
                edit((d) => renameStep(d, selectedStep.id, to));
                setSelected(to);
              }}
              onNeeds={(needs) => edit((d) => setNeeds(d, selectedStep.id, needs))}
              onMove={(delta) => edit((d) => moveStep(d, selectedStep.id, delta))}
              onDelete={() => {
                edit((d) => deleteStep(d, selectedStep.id));
                setSelected(undefined);
              }}
            />
          )}
          {!selectedStep && shown && (
            <WorkflowPanel
              definition={shown}
              templateNames={words.templateNames}
              editable={editable}
              onDescription={(description) => edit((d) => updateWorkflow(d, { description }))}
              onOutput={(output) => edit((d) => updateWorkflow(d, { output }))}
              onAddTrigger={(trigger) => edit((d) => addTrigger(d, trigger))}
              onRemoveTrigger={(index) => edit((d) => removeTrigger(d, index))}
            />
          )}
        </section>
        <section className="builder-yaml" aria-label="YAML">
          <YamlEditor
            value={source}
            onChange={(text) => {
              setServerIssues([]);
              setSource(text);
            }}
            issues={issues}
            words={words}
          />
          <IssueList issues={issues} />
        </section>
      </div>
    </div>
  );
}

/** The workflow's name (the YAML's `name:`); a new name saves as a new workflow. */
function NameField(props: { value: string; disabled: boolean; onCommit: (name: string) => void }) {
  const [text, setText] = useState(props.value);
  useEffect(() => setText(props.value), [props.value]);
  const commit = (): void => {
    if (text.trim() !== '' && text.trim() !== props.value) props.onCommit(text.trim());
  };
  return (
    <label className="name-field">
      Workflow name
      <input
        value={text}
        disabled={props.disabled}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => e.key === 'Enter' && commit()}
      />
    </label>
  );
}

function IssueList({ issues }: { issues: ValidationIssue[] }) {
  if (issues.length === 0) return <p className="ok problems">No problems.</p>;
  return (
    <ul className="problems" aria-label="Problems">
      {issues.map((issue, i) => (
        <li key={i} className="error">
          <code>
            {issue.line ?? '?'}:{issue.column ?? '?'}
          </code>{' '}
          {issue.message}
          {issue.hint && <span className="hint"> — {issue.hint}</span>}
        </li>
      ))}
    </ul>
  );
}

function savedText(detail: WorkflowDetail): string {
  return detail.source ?? (detail.definition ? definitionToYaml(detail.definition) : '');
}

/** A name no visible workflow has: new-workflow, new-workflow-2… */
function freeName(taken: readonly string[]): string {
  if (!taken.includes('new-workflow')) return 'new-workflow';
  for (let n = 2; ; n++) if (!taken.includes(`new-workflow-${n}`)) return `new-workflow-${n}`;
}

function findStep(steps: readonly Step[], id: string): Step | undefined {
  for (const step of steps) {
    if (step.id === id) return step;
    if (step.kind === 'parallel') {
      const inner = findStep(step.branches, id);
      if (inner) return inner;
    }
  }
  return undefined;
}
