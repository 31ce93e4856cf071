import jexl from 'jexl';
import type Ast from 'jexl/Ast';
import { MAX_EVALUATION_STEPS } from '../limits';
import { checkExpressionSource, checkValueLength, ExpressionLimitError } from './expression-limits';
import { asText } from './text';
import { TRANSFORMS } from './transforms';

/**
 * Expressions are parsed by jexl and evaluated here, synchronously, over jexl's AST. Owning the
 * evaluator (about a hundred lines) buys three things jexl's own one does not give:
 * - only own properties are visible, so `inputs.constructor`, `x.__proto__` or `s.toString`
 *   give undefined — nothing reachable through a prototype;
 * - no operator ever throws on a null-prototype object (jexl's `+` and `==` would);
 * - no promise machinery on the engine's hot path.
 */

/** jexl is used only to tokenize and parse; its grammar keeps the default operators. */
const parser = new jexl.Jexl();
// jexl's lexer looks tokens up in a plain object, so `constructor` or `toString` would be taken
// for grammar elements and refused; as identifiers they evaluate to nothing (see ownValue).
Object.setPrototypeOf(parser._grammar.elements, null);
for (const name of Object.keys(TRANSFORMS)) parser.addTransform(name, () => undefined);

/** Deeper ASTs than this are refused at compile time, so evaluation cannot exhaust the stack. */
const MAX_AST_DEPTH = 64;

export type Scope = Readonly<Record<string, unknown>>;

export interface CompiledExpression {
  readonly source: string;
  /** Root names read from the scope; `steps.x` and `steps["x"]` count as `x`. */
  readonly references: readonly string[];
  evaluate(scope: Scope): unknown;
}

/** Parses an expression; throws an Error with jexl's message when it is not valid. */
export function compileExpression(source: string): CompiledExpression {
  checkExpressionSource(source);
  const ast = parser.compile(source)._getAst();
  checkAst(ast, 0);
  const references = collectReferences(ast);
  return {
    source,
    references,
    evaluate: (scope) => evaluate(ast, scope, scope, { left: MAX_EVALUATION_STEPS }),
  };
}

/** What one evaluation may still spend: a filter over a long list cannot run unbounded. */
interface Work {
  left: number;
}

function checkAst(node: Ast, depth: number): void {
  if (depth > MAX_AST_DEPTH) throw new Error('expression is nested too deeply');
  for (const child of children(node)) checkAst(child, depth + 1);
  if (node.type === 'FunctionCall') {
    if (node.pool === 'functions')
      throw new Error(`unknown function "${node.name}()"; use a transform such as "| upper"`);
    if (!Object.prototype.hasOwnProperty.call(TRANSFORMS, node.name)) {
      throw new Error(`unknown transform "| ${node.name}"; known: ${Object.keys(TRANSFORMS).join(', ')}`);
    }
  }
}

function children(node: Ast): Ast[] {
  switch (node.type) {
    case 'UnaryExpression':
      return [node.right];
    case 'BinaryExpression':
      return [node.left, node.right];
    case 'ConditionalExpression':
      return node.consequent ? [node.test, node.consequent, node.alternate] : [node.test, node.alternate];
    case 'FilterExpression':
      return [node.subject, node.expr];
    case 'ArrayLiteral':
      return node.value;
    case 'ObjectLiteral':
      return Object.values(node.value);
    case 'Identifier':
      return node.from ? [node.from] : [];
    case 'FunctionCall':
      return node.args;
    case 'Literal':
      return [];
  }
}

function collectReferences(root: Ast): string[] {
  const found = new Set<string>();
  const visit = (node: Ast): void => {
    if (node.type === 'Identifier' && !node.from) {
      if (!node.relative && node.value !== 'null') found.add(node.value);
      return;
    }
    const stepId = stepsAccess(node);
    if (stepId !== undefined) {
      found.add(stepId);
      return;
    }
    children(node).forEach(visit);
  };
  visit(root);
  return [...found];
}

/** `steps.x` / `steps["x"]` → `x`. */
function stepsAccess(node: Ast): string | undefined {
  if (node.type === 'Identifier' && node.from && isRoot(node.from, 'steps')) return node.value;
  if (node.type === 'FilterExpression' && !node.relative && isRoot(node.subject, 'steps')) {
    if (node.expr.type === 'Literal' && typeof node.expr.value === 'string') return node.expr.value;
  }
  return undefined;
}

function isRoot(node: Ast, name: string): boolean {
  return node.type === 'Identifier' && !node.from && !node.relative && node.value === name;
}

function evaluate(node: Ast, scope: Scope, relative: unknown, work: Work): unknown {
  if (--work.left < 0)
    throw new ExpressionLimitError(
      `expression took more than ${MAX_EVALUATION_STEPS} steps to evaluate; filter smaller lists`,
    );
  switch (node.type) {
    case 'Literal':
      return node.value;
    case 'Identifier':
      if (node.from) return member(evaluate(node.from, scope, relative, work), node.value);
      return ownValue(node.relative ? relative : scope, node.value);
    case 'FilterExpression':
      return filter(node, scope, relative, work);
    case 'UnaryExpression':
      return !evaluate(node.right, scope, relative, work);
    case 'BinaryExpression':
      return binary(node.operator, node.left, node.right, scope, relative, work);
    case 'ConditionalExpression': {
      const test = evaluate(node.test, scope, relative, work);
      if (test) return node.consequent ? evaluate(node.consequent, scope, relative, work) : test;
      return evaluate(node.alternate, scope, relative, work);
    }
    case 'ArrayLiteral':
      return node.value.map((item) => evaluate(item, scope, relative, work));
    case 'ObjectLiteral': {
      const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
      for (const [key, value] of Object.entries(node.value))
        out[key] = evaluate(value, scope, relative, work);
      return out;
    }
    case 'FunctionCall': {
      const transform = TRANSFORMS[node.name];
      const args = node.args.map((arg) => evaluate(arg, scope, relative, work));
      return transform(args[0], ...args.slice(1));
    }
  }
}

/** `a.b`: like jexl, a list is read through its first item, except `list.length`. */
function member(subject: unknown, name: string): unknown {
  if (Array.isArray(subject) && name !== 'length') return ownValue(subject[0], name);
  return ownValue(subject, name);
}

/** Own data only: nothing inherited from a prototype is ever returned. */
export function ownValue(subject: unknown, key: string): unknown {
  if (typeof subject === 'string') {
    if (key === 'length') return subject.length;
    return /^\d+$/.test(key) ? subject[Number(key)] : undefined;
  }
  if (subject === null || typeof subject !== 'object') return undefined;
  return Object.prototype.hasOwnProperty.call(subject, key)
    ? (subject as Record<string, unknown>)[key]
    : undefined;
}

function filter(
  node: Extract<Ast, { type: 'FilterExpression' }>,
  scope: Scope,
  relative: unknown,
  work: Work,
): unknown {
  const subject = evaluate(node.subject, scope, relative, work);
  if (node.relative) {
    const items = Array.isArray(subject) ? subject : subject === undefined ? [] : [subject];
    return items.filter((item) => Boolean(evaluate(node.expr, scope, item, work)));
  }
  const key = evaluate(node.expr, scope, relative, work);
  if (typeof key === 'boolean') return key ? subject : undefined;
  if (typeof key !== 'string' && typeof key !== 'number') return undefined;
  return ownValue(subject, String(key));
}

function binary(
  op: string,
  leftNode: Ast,
  rightNode: Ast,
  scope: Scope,
  relative: unknown,
  work: Work,
): unknown {
  const left = evaluate(leftNode, scope, relative, work);
  if (op === '&&') return left ? evaluate(rightNode, scope, relative, work) : left;
  if (op === '||') return left ? left : evaluate(rightNode, scope, relative, work);
  const right = evaluate(rightNode, scope, relative, work);
  switch (op) {
    case '==':
      return isPrimitive(left) && isPrimitive(right) ? left == right : left === right;
    case '!=':
      return isPrimitive(left) && isPrimitive(right) ? left != right : left !== right;
    case 'in':
      if (typeof right === 'string') return typeof left === 'string' && right.includes(left);
      if (!Array.isArray(right)) return false;
      work.left -= right.length; // a scan of the list: `list[.x in other]` is items × items
      return right.some((item) => item === left);
    case '+':
      if (typeof left === 'number' && typeof right === 'number') return left + right;
      return concat(asText(left), asText(right));
    case '<':
      return comparable(left, right) && (left as number) < (right as number);
    case '<=':
      return comparable(left, right) && (left as number) <= (right as number);
    case '>':
      return comparable(left, right) && (left as number) > (right as number);
    case '>=':
      return comparable(left, right) && (left as number) >= (right as number);
  }
  const a = asNumber(left);
  const b = asNumber(right);
  switch (op) {
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
    case '//':
      return Math.floor(a / b);
    case '%':
      return a % b;
    case '^':
      return Math.pow(a, b);
  }
  throw new Error(`unsupported operator ${op}`);
}

function concat(left: string, right: string): string {
  checkValueLength(left.length + right.length, 'the text built with "+"');
  return left + right;
}

type Primitive = string | number | boolean | null | undefined;
function isPrimitive(value: unknown): value is Primitive {
  return value === null || (typeof value !== 'object' && typeof value !== 'function');
}

function comparable(left: unknown, right: unknown): boolean {
  return (
    (typeof left === 'number' || typeof left === 'string') &&
    (typeof right === 'number' || typeof right === 'string')
  );
}

function asNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' || typeof value === 'boolean') return Number(value);
  return NaN;
}
