import type { Children } from '@kitajs/html';
import { problemType } from '../../src/api/problem.js';

export interface ApiGuideProps {
  problemTypes: Record<string, string>;
  quotas: { perIp: number; perCaller: number };
  tokens: { accessMinutes: number; customerRefreshDays: number; staffRefreshHours: number };
}

/** The parts of the API that no single operation says: sign-in, errors, paging, quotas, versions. */
export function ApiGuide(props: ApiGuideProps): JSX.Element {
  return (
    <>
      <Authentication {...props} />
      <Errors problemTypes={props.problemTypes} />
      <Pagination />
      <Quotas {...props} />
      <Versioning />
    </>
  );
}

function GuideSection({ id, title, children }: { id: string; title: string; children: Children }): JSX.Element {
  return (
    <section id={id} aria-labelledby={`${id}-title`} class="panel max-w-none scroll-mt-20 text-sm text-slate-800 [&_p]:mb-2 [&_p]:max-w-prose">
      <h2 id={`${id}-title`} class="section-title mb-2" safe>
        {title}
      </h2>
      {children}
    </section>
  );
}

function Authentication({ tokens }: ApiGuideProps): JSX.Element {
  return (
    <GuideSection id="authentication" title="Authentication">
      <p>
        Send <code>{'Authorization: Bearer &lt;token&gt;'}</code>. The API never reads cookies, so it needs no CSRF token.
      </p>
      <ol class="mb-2 list-decimal space-y-1 pl-5">
        <li>
          <code>POST /auth/login</code> with <code>email</code> and <code>password</code> (and <code>code</code> when the account has two-factor authentication) answers an{' '}
          <strong>access token</strong> (<code>hsa_…</code>, valid {tokens.accessMinutes} minutes) and a <strong>refresh token</strong> (<code>hsr_…</code>, valid {tokens.customerRefreshDays} days for
          customers, {tokens.staffRefreshHours} hours for staff).
        </li>
        <li>Use the access token on every request. When it expires (401), trade the refresh token for a new pair.</li>
        <li>
          <code>POST /auth/refresh</code> <strong>rotates</strong>: each refresh token works once and the answer holds a new pair. Keep only the newest. Sending a used refresh token again is
          treated as theft: the whole family (every token from that sign-in) is revoked (<code>token-reused</code>) and the user must sign in again.
        </li>
        <li>
          <code>POST /auth/logout</code> ends the family. A password change or reset, or staff deactivating the account, ends every family of the user.
        </li>
      </ol>
      <p>
        Integrations use an <strong>API key</strong> (<code>hsk_…</code>) made by staff in the back office. A key reads the catalog only; anything else answers 403. A revoked key answers 401.
        Staff endpoints need an admin account with two-factor authentication set up.
      </p>
      <p>A wrong or expired token is refused with 401 on every path, public ones included, so a client learns at once that it must refresh.</p>
    </GuideSection>
  );
}

function Errors({ problemTypes }: { problemTypes: Record<string, string> }): JSX.Element {
  return (
    <GuideSection id="errors" title="Errors">
      <p>
        Every error is <code>application/problem+json</code> (RFC 9457) with these fields: <code>type</code> (a stable URI: branch on it, not on the wording), <code>title</code>,{' '}
        <code>status</code>, <code>detail</code> (what happened, in words a person can read), <code>instance</code> (the request id, for support) and, for invalid input, <code>errors</code>: a
        list of <code>{'{ field, message }'}</code> where <code>field</code> names the place (<code>body.quantity</code>, <code>query.limit</code>, <code>path.id</code>). A refused request changes
        nothing. Unknown body fields are refused (400), not ignored.
      </p>
      <div class="table-wrap mb-0" tabindex="0" role="region" aria-label="Problem types in use">
        <table class="data-table">
          <caption class="px-3 py-2 text-left font-semibold">
            Problem types in use
          </caption>
          <thead>
            <tr>
              <th scope="col">type</th>
              <th scope="col">Meaning</th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(problemTypes).map(([kind, meaning]) => (
              <tr data-problem-type={kind}>
                <td class="font-mono text-xs break-all" safe>
                  {problemType(kind)}
                </td>
                <td safe>{meaning}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </GuideSection>
  );
}

function Pagination(): JSX.Element {
  return (
    <GuideSection id="pagination" title="Pagination">
      <p>
        Lists take <code>?page=1&amp;limit=20</code> (<code>limit</code> at most 100) and answer <code>{'{ items, page, limit, total, totalPages }'}</code>. A page past the end has no items. A
        limit over 100, a page below 1 or a filter that cannot be read is refused with 400 rather than quietly changed.
      </p>
      <p>
        Money is an object of integer minor units and its currency: <code>{'{ "amount": 1999, "currency": "USD" }'}</code> is $19.99. Times are ISO 8601 in UTC. Field names are camelCase.
      </p>
    </GuideSection>
  );
}

function Quotas({ quotas }: ApiGuideProps): JSX.Element {
  return (
    <GuideSection id="quotas" title="Quotas">
      <p>
        Each client address may send {quotas.perIp} requests a minute, counted before anything else (requests refused for a bad token or body count too). Each signed-in user or API key also has
        a budget of its own, {quotas.perCaller} a minute, wherever its requests come from. Both windows slide.
      </p>
      <p>
        Every answer says where you stand in <code>RateLimit-Limit</code>, <code>RateLimit-Remaining</code> and <code>RateLimit-Reset</code> (seconds), for the tighter of the two budgets;{' '}
        <code>RateLimit-Policy</code> lists both. Over a budget the answer is 429 (<code>rate-limited</code>) with <code>Retry-After</code>: wait that many seconds. When the store behind the
        quotas is briefly away the API answers 503 (<code>unavailable</code>) with <code>Retry-After</code> rather than letting requests through uncounted.
      </p>
    </GuideSection>
  );
}

function Versioning(): JSX.Element {
  return (
    <GuideSection id="versioning" title="Versioning">
      <p>
        The version is in the path: <code>/api/v1</code>. Within v1 changes are <strong>additive only</strong>: new endpoints, new optional request fields or parameters, new response fields, new
        problem types for new situations, new values where a field is documented as open. Clients must ignore response fields they do not know.
      </p>
      <p>
        Never within v1: removing or renaming a field, endpoint or parameter; making an optional request field required; changing a field’s type, format or meaning; tightening a rule that
        valid requests meet today; changing a status code or a problem type’s meaning.
      </p>
      <p>
        An endpoint on its way out keeps working and answers with <code>Deprecation</code> (when it was deprecated) and <code>Sunset</code> (the date it stops), plus a <code>Link</code> to its
        replacement, for at least six months before it goes. Breaking changes make a v2 beside v1, under <code>/api/v2</code>; v1 stays until its sunset date.
      </p>
    </GuideSection>
  );
}
