import { CompiledQuery, type Kysely } from 'kysely';

/** One node of `EXPLAIN (FORMAT JSON)`: the fields the shape is made of. */
export interface PlanNode {
  'Node Type': string;
  Strategy?: string;
  'Join Type'?: string;
  'Index Name'?: string;
  'Relation Name'?: string;
  'CTE Name'?: string;
  'Function Name'?: string;
  'Parent Relationship'?: string;
  'Total Cost'?: number;
  'Plan Rows'?: number;
  Plans?: PlanNode[];
}

export interface PlanSummary {
  /** e.g. `Limit > Sort > Hash Join (Seq Scan on products, Hash > Index Scan using … on …)`. */
  shape: string;
  /** The planner's estimates for the whole statement, in its own units. */
  cost: number;
  rows: number;
}

/** Anything that runs a compiled query: a Kysely of any schema. */
export type QueryRunner = Pick<Kysely<unknown>, 'executeQuery'>;

const SHAPE_MAX = 1_000;

/**
 * Whether `sql` is a single plain read (SELECT, or WITH … SELECT with no data-modifying part),
 * the only statements whose plan is asked for. EXPLAIN without ANALYZE runs nothing, but a
 * second statement after a `;` (simple protocol, no parameters) would run: so one statement only.
 */
export function isPlainRead(sql: string): boolean {
  const text = sql
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/--[^\n]*/g, ' ')
    .trim()
    .replace(/;\s*$/, '')
    .toLowerCase();
  if (text.includes(';')) return false;
  const start = /^\(*\s*(select|with)\b/.exec(text);
  if (!start) return false;
  // Row locks are reads as far as the plan goes; SELECT INTO and data-modifying CTEs write.
  const withoutLocks = text.replace(/\bfor\s+(no\s+key\s+update|update|key\s+share|share)\b/g, ' ');
  return !/\b(insert|update|delete|merge|into|truncate|copy|call)\b/.test(withoutLocks);
}

/** A node's label as EXPLAIN's text format names it: `Index Scan using variants_product_idx on product_variants`. */
function label(node: PlanNode): string {
  let name = node['Node Type'];
  if (name === 'Aggregate') name = { Sorted: 'GroupAggregate', Hashed: 'HashAggregate', Mixed: 'MixedAggregate' }[node.Strategy ?? ''] ?? name;
  const join = node['Join Type'];
  if (join && join !== 'Inner') name = name === 'Nested Loop' ? `${name} ${join} Join` : name.replace(/ Join$/, ` ${join} Join`);
  if (node['Index Name']) name += ` using ${node['Index Name']}`;
  const target = node['Relation Name'] ?? node['CTE Name'] ?? node['Function Name'];
  if (target) name += ` on ${target}`;
  if (node['Parent Relationship'] === 'InitPlan' || node['Parent Relationship'] === 'SubPlan') name = `${node['Parent Relationship']}: ${name}`;
  return name;
}

/** Single children chain with ` > `; several are listed in parentheses. */
export function planShape(node: PlanNode): string {
  const children = node.Plans ?? [];
  const here = label(node);
  if (children.length === 0) return here;
  if (children.length === 1) return `${here} > ${planShape(children[0]!)}`;
  return `${here} (${children.map(planShape).join(', ')})`;
}

/** The plan Postgres would pick for `sql` with these parameters: planned only, never run (no ANALYZE). */
export async function explainPlan(db: QueryRunner, sql: string, parameters: readonly unknown[]): Promise<PlanSummary> {
  const result = await db.executeQuery<{ 'QUERY PLAN': unknown }>(CompiledQuery.raw(`EXPLAIN (FORMAT JSON) ${sql}`, [...parameters]));
  const raw = result.rows[0]?.['QUERY PLAN'];
  // pg parses the json column; PGlite may hand it back as text.
  const document = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan: PlanNode }[];
  const plan = document[0]!.Plan;
  const shape = planShape(plan);
  return { shape: shape.length > SHAPE_MAX ? `${shape.slice(0, SHAPE_MAX)}…` : shape, cost: plan['Total Cost'] ?? 0, rows: plan['Plan Rows'] ?? 0 };
}
