// /api/docs: the API's human-readable documentation, public. The endpoint list is generated from
// the registry through the OpenAPI builder (the same document /api/v1/openapi.json serves), so it
// cannot drift from what the dispatcher accepts; the prose around it is translated.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { API_BASE, MAX_BODY_BYTES, PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX } from '#app/api/http.server.ts'
import { buildOpenApi } from '#app/api/openapi.server.ts'
import { ENDPOINTS } from '#app/api/registry.server.ts'
import { API_RATE_LIMIT, MAX_TOKEN_DAYS } from '#app/models/api-token.server.ts'

export const meta: MetaFunction = () => [{ title: '开放接口文档 API · 帮扶 Bangfu' }]

type JsonSchema = { type?: string | string[]; description?: string; enum?: unknown[]; items?: JsonSchema; anyOf?: JsonSchema[]; $ref?: string; format?: string; properties?: Record<string, JsonSchema>; required?: string[] }
type Field = { name: string; in: 'path' | 'query' | 'body'; required: boolean; type: string; description: string }

/** A short type label for a JSON Schema: 'string', 'integer | null', 'read | read_write', 'string[]'. */
function typeOf(schema: JsonSchema | undefined): string {
	if (!schema) return 'any'
	if (schema.enum) return schema.enum.map(String).join(' | ')
	if (schema.anyOf) return schema.anyOf.map(typeOf).join(' | ')
	if (schema.$ref) return schema.$ref.split('/').pop() ?? 'object'
	if (schema.type === 'array') return `${typeOf(schema.items)}[]`
	if (Array.isArray(schema.type)) return schema.type.join(' | ')
	return schema.type ?? 'any'
}

function describeOf(schema: JsonSchema | undefined): string {
	return schema?.description ?? schema?.anyOf?.find((s) => s.description)?.description ?? ''
}

// Cached: the document is built from constants and only changes with a deploy.
let cached: ReturnType<typeof buildEndpoints> | undefined

function buildEndpoints() {
	const doc = buildOpenApi() as {
		paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string; required?: boolean; description?: string; schema?: JsonSchema }>; requestBody?: { content: Record<string, { schema: JsonSchema }> } }>>
	}
	return ENDPOINTS.map((e) => {
		const op = doc.paths[e.path]?.[e.method] ?? {}
		const fields: Field[] = (op.parameters ?? [])
			.filter((p) => p.in === 'path' || p.in === 'query')
			.map((p) => ({ name: p.name, in: p.in as 'path' | 'query', required: Boolean(p.required), type: typeOf(p.schema), description: p.description ?? describeOf(p.schema) }))
		const body = op.requestBody?.content['application/json']?.schema
		for (const [name, schema] of Object.entries(body?.properties ?? {})) {
			fields.push({ name, in: 'body', required: (body?.required ?? []).includes(name), type: typeOf(schema), description: describeOf(schema) })
		}
		return {
			id: e.operationId,
			method: e.method.toUpperCase(),
			path: e.path,
			summary: e.summary,
			description: e.description ?? '',
			tag: e.tags[0] ?? 'other',
			access: e.access,
			idempotent: Boolean(e.idempotent),
			status: e.status ?? 200,
			fields,
		}
	})
}

export async function loader(_: LoaderFunctionArgs) {
	cached ??= buildEndpoints()
	return {
		base: API_BASE,
		endpoints: cached,
		// From .server modules: passed through the loader, the component cannot import them.
		limits: { rate: API_RATE_LIMIT, maxDays: MAX_TOKEN_DAYS, pageDefault: PAGE_LIMIT_DEFAULT, pageMax: PAGE_LIMIT_MAX, maxBodyMb: MAX_BODY_BYTES / 1_000_000 },
	}
}

const STATUSES = [400, 401, 403, 404, 405, 409, 413, 415, 422, 429] as const

export default function ApiDocsPage() {
	const { t } = useTranslation()
	const { base, endpoints, limits } = useLoaderData<typeof loader>()
	const tags = [...new Set(endpoints.map((e) => e.tag))]
	const openapi = `${base}/openapi.json`
	return (
		<>
			<h1>{t('api.docs.title')}</h1>
			<p>{t('api.docs.intro', { base })}</p>
			<p>
				<a href={openapi}>{t('api.docs.openapi_link')}</a> · <Link to="/settings#h-api-tokens">{t('api.docs.tokens_link')}</Link>
			</p>
			<nav aria-label={t('api.docs.contents')} className="card">
				<ul className="plain">
					{['auth', 'conventions', 'pagination', 'errors', 'idempotency', 'endpoints'].map((id) => (
						<li key={id}>
							<a href={`#${id}`}>{t(`api.docs.${id}_title`)}</a>
						</li>
					))}
				</ul>
			</nav>

			<section className="card" id="auth" aria-labelledby="h-auth">
				<h2 id="h-auth">{t('api.docs.auth_title')}</h2>
				<p>{t('api.docs.auth_body', { maxDays: limits.maxDays })}</p>
				<pre>
					<code>{`curl -H "Authorization: Bearer bfk_…" -H "Accept-Language: zh-CN" ${base}/regions`}</code>
				</pre>
				<p>{t('api.docs.auth_scopes')}</p>
				<p>{t('api.docs.auth_rate', { rate: limits.rate })}</p>
			</section>

			<section className="card" id="conventions" aria-labelledby="h-conventions">
				<h2 id="h-conventions">{t('api.docs.conventions_title')}</h2>
				<ul>
					<li>{t('api.docs.conventions_json', { mb: limits.maxBodyMb })}</li>
					<li>{t('api.docs.conventions_money')}</li>
					<li>{t('api.docs.conventions_dates')}</li>
					<li>{t('api.docs.conventions_etag')}</li>
					<li>{t('api.docs.conventions_language')}</li>
				</ul>
				<pre>
					<code>{`curl -X POST ${base}/needs \\
  -H "Authorization: Bearer bfk_…" \\
  -H "Content-Type: application/json" \\
  -H "Idempotency-Key: need-2026-001" \\
  -d '{"title":"花椒烘干设备","category":"industry","measure":"amount","target":5000000,"urgency":"high","neededBy":"2026-12-31"}'`}</code>
				</pre>
			</section>

			<section className="card" id="pagination" aria-labelledby="h-pagination">
				<h2 id="h-pagination">{t('api.docs.pagination_title')}</h2>
				<p>{t('api.docs.pagination_body', { def: limits.pageDefault, max: limits.pageMax })}</p>
			</section>

			<section className="card" id="errors" aria-labelledby="h-errors">
				<h2 id="h-errors">{t('api.docs.errors_title')}</h2>
				<p>{t('api.docs.errors_body')}</p>
				<pre>
					<code>{`HTTP/1.1 422
Content-Type: application/problem+json

{
  "type": "https://bangfu.cn/problems/invalid",
  "title": "输入有误",
  "status": 422,
  "errors": [{ "field": "target", "code": "invalid_type", "message": "须为整数：金额以分为单位（1 元 = 100 分），数量以单位计" }]
}`}</code>
				</pre>
				<div className="table-wrap">
					<table>
						<thead>
							<tr>
								<th>{t('api.docs.col_status')}</th>
								<th>{t('api.docs.col_meaning')}</th>
							</tr>
						</thead>
						<tbody>
							{STATUSES.map((s) => (
								<tr key={s}>
									<td>
										<code>{s}</code>
									</td>
									<td>{t(`api.docs.status_${s}`, { mb: limits.maxBodyMb })}</td>
								</tr>
							))}
						</tbody>
					</table>
				</div>
			</section>

			<section className="card" id="idempotency" aria-labelledby="h-idempotency">
				<h2 id="h-idempotency">{t('api.docs.idempotency_title')}</h2>
				<p>{t('api.docs.idempotency_body')}</p>
			</section>

			<section id="endpoints" aria-labelledby="h-endpoints">
				<h2 id="h-endpoints">{t('api.docs.endpoints_title')}</h2>
				<p>{t('api.docs.endpoints_intro')}</p>
				{tags.map((tag) => (
					<section key={tag} aria-labelledby={`h-tag-${tag}`}>
						<h3 id={`h-tag-${tag}`}>{tag}</h3>
						{endpoints
							.filter((e) => e.tag === tag)
							.map((e) => (
								<article key={e.id} className="card" id={e.id} aria-labelledby={`h-${e.id}`}>
									<h4 id={`h-${e.id}`} style={{ marginTop: 0 }}>
										<code>
											{e.method} {base}
											{e.path}
										</code>
									</h4>
									<p>
										{e.summary}{' '}
										<span className={`tag ${e.access === 'write' ? 'pending' : 'verified'}`}>{t(`api.docs.access_${e.access}`)}</span>
										{e.idempotent ? <span className="tag"> Idempotency-Key</span> : null}{' '}
										<span className="muted">
											{t('api.docs.success_status', { status: e.status })} · <code>{e.id}</code>
										</span>
									</p>
									{e.description ? <p className="muted">{e.description}</p> : null}
									{e.fields.length ? (
										<div className="table-wrap">
											<table>
												<thead>
													<tr>
														<th>{t('api.docs.col_name')}</th>
														<th>{t('api.docs.col_in')}</th>
														<th>{t('api.docs.col_type')}</th>
														<th>{t('api.docs.col_required')}</th>
														<th>{t('api.docs.col_description')}</th>
													</tr>
												</thead>
												<tbody>
													{e.fields.map((f) => (
														<tr key={`${f.in}-${f.name}`}>
															<td>
																<code>{f.name}</code>
															</td>
															<td>{t(`api.docs.in_${f.in}`)}</td>
															<td>
																<code>{f.type}</code>
															</td>
															<td>{f.required ? t('api.docs.yes') : t('api.docs.no')}</td>
															<td>{f.description}</td>
														</tr>
													))}
												</tbody>
											</table>
										</div>
									) : (
										<p className="muted">{t('api.docs.no_parameters')}</p>
									)}
								</article>
							))}
					</section>
				))}
			</section>
		</>
	)
}
