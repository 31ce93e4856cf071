import { autocompletion, type CompletionContext, type CompletionResult } from '@codemirror/autocomplete';
import { yaml } from '@codemirror/lang-yaml';
import { linter, lintGutter, type Diagnostic } from '@codemirror/lint';
import { EditorState, type Text } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { basicSetup } from 'codemirror';
import { useEffect, useRef } from 'react';
import type { ValidationIssue } from '@chainmail/contracts';

export interface CompletionWords {
  agents: string[];
  /** What `{{ }}` may read here: step outputs, inputs, vars., secrets. */
  templateNames: string[];
}

interface Props {
  value: string;
  onChange: (value: string) => void;
  /** The shared validator's problems of `value`, each at its line and column. */
  issues: ValidationIssue[];
  words: CompletionWords;
}

/**
 * The definition's YAML in CodeMirror 6: the validator's problems as lint marks at their line and
 * column, completion of agent addresses after `agent:` and of names inside `{{ }}`. A new `value`
 * from outside (an edit on the graph) replaces the text; typing calls `onChange`.
 */
export function YamlEditor({ value, onChange, issues, words }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView>(undefined);
  const latest = useRef({ onChange, issues, words });
  latest.current = { onChange, issues, words };

  useEffect(() => {
    const editor = new EditorView({
      parent: host.current as HTMLDivElement,
      state: EditorState.create({
        doc: value,
        extensions: [
          basicSetup,
          yaml(),
          lintGutter(),
          linter((v) => toDiagnostics(v.state.doc, latest.current.issues), { delay: 150 }),
          autocompletion({ override: [(context) => complete(context, latest.current.words)] }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) latest.current.onChange(update.state.doc.toString());
          }),
          EditorView.contentAttributes.of({ 'aria-label': 'Workflow YAML' }),
        ],
      }),
    });
    view.current = editor;
    return () => editor.destroy();
    // The editor is made once; later values arrive through the effect below.
  }, []);

  useEffect(() => {
    const editor = view.current;
    if (editor === undefined || editor.state.doc.toString() === value) return;
    editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: value } });
  }, [value]);

  // New issues: ask the linter to look again (it reads them from `latest`).
  useEffect(() => {
    const editor = view.current;
    if (editor !== undefined) editor.dispatch({});
  }, [issues]);

  return <div className="yaml-editor" ref={host} data-testid="yaml-editor" />;
}

function toDiagnostics(doc: Text, issues: ValidationIssue[]): Diagnostic[] {
  return issues.map((issue) => {
    const line = doc.line(Math.min(Math.max(issue.line ?? 1, 1), doc.lines));
    const from = Math.min(line.from + Math.max((issue.column ?? 1) - 1, 0), line.to);
    const to = Math.max(from, line.to);
    return {
      from,
      to: to === from ? Math.min(from + 1, doc.length) : to,
      severity: 'error',
      message: issue.hint ? `${issue.message} — ${issue.hint}` : issue.message,
    };
  });
}

function complete(context: CompletionContext, words: CompletionWords): CompletionResult | null {
  const line = context.state.doc.lineAt(context.pos);
  const before = line.text.slice(0, context.pos - line.from);
  const agent = /agent:\s*["']?([^\s"']*)$/.exec(before);
  if (agent !== null) {
    return {
      from: context.pos - agent[1].length,
      options: words.agents.map((address) => ({ label: address, type: 'constant' })),
    };
  }
  const template = /\{\{\s*([\w.-]*)$/.exec(before);
  if (template !== null) {
    return {
      from: context.pos - template[1].length,
      options: words.templateNames.map((name) => ({ label: name, type: 'variable' })),
    };
  }
  return null;
}
