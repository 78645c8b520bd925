import { type SubmissionResult, getFormProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { ErrorList, Field, SelectField } from '#app/components/form.tsx'
import { ChangePasswordSchema } from '#app/models/account.schema.ts'
import { changePassword, getAccount, listSessions } from '#app/models/account.server.ts'
import { createApiToken, listApiTokens, revokeApiToken } from '#app/models/api-token.server.ts'
import { requireActor } from '#app/utils/auth.server.ts'
import { isAppError } from '#app/utils/errors.ts'
import { replyWithError } from '#app/utils/http.server.ts'

export const meta: MetaFunction = () => [{ title: '账号设置 · 帮扶 Bangfu' }]

/**
 * The API token form. NOTE: the same rules as CreateApiTokenSchema (api-token.server.ts, which the
 * model parses with again); repeated here because a .server module cannot reach the browser.
 */
const TOKEN_DEFAULT_DAYS = 90
const TokenFormSchema = z.object({
	name: z.string({ error: 'validation.required' }).trim().min(1, { error: 'validation.required' }).max(100, { error: 'validation.too_long|{"max":100}' }),
	scope: z.enum(['read', 'read_write'], { error: 'api.errors.scope' }),
	expiresInDays: z.number({ error: 'api.errors.expiry' }).int({ error: 'api.errors.expiry' }).min(1, { error: 'api.errors.expiry' }).max(365, { error: 'api.errors.expiry' }),
})
const RevokeTokenSchema = z.object({ tokenId: z.string({ error: 'errors.not_found' }).trim().min(1).max(26) })

export async function loader({ request }: LoaderFunctionArgs) {
	const { db, actor } = await requireActor(request)
	const [account, sessions, tokens] = await Promise.all([getAccount(db, actor.accountId), listSessions(db, actor.accountId), listApiTokens(db, actor.accountId)])
	return {
		account,
		memberships: actor.memberships,
		sessions: sessions.map((s) => ({ ...s, id: undefined, current: s.id === actor.sessionId })),
		tokens,
	}
}

type Intent = 'password' | 'create-token' | 'revoke-token'
type ActionResult = {
	intent: Intent
	result: SubmissionResult<string[]> | null
	changed?: boolean
	/** The new token: in this one response only (never stored, never in the loader). */
	created?: { token: string; name: string; scope: 'read' | 'read_write'; expiresAt: number }
	revoked?: boolean
	error?: string
}

// The response that carries a new token must not be kept by any cache.
const NO_STORE = { 'Cache-Control': 'no-store' }
function reply(body: ActionResult, status = 200) {
	return data<ActionResult>(body, { status, headers: NO_STORE })
}

export async function action({ request }: ActionFunctionArgs) {
	const { db, actor } = await requireActor(request)
	const formData = await request.formData()
	const intent = String(formData.get('intent') ?? 'password')

	if (intent === 'create-token') {
		const submission = parseWithZod(formData, { schema: TokenFormSchema })
		if (submission.status !== 'success') return reply({ intent, result: submission.reply() }, 400)
		try {
			const created = await createApiToken(db, actor.accountId, submission.value)
			return reply({ intent, result: submission.reply({ resetForm: true }), created: { token: created.token, name: created.name, scope: created.scope, expiresAt: created.expiresAt } })
		} catch (error) {
			const response = replyWithError(submission, error)
			return reply({ intent, result: response.data.result }, response.init?.status ?? 400)
		}
	}

	if (intent === 'revoke-token') {
		const parsed = RevokeTokenSchema.safeParse({ tokenId: formData.get('tokenId') ?? undefined })
		if (!parsed.success) return reply({ intent, result: null, error: 'errors.not_found' }, 404)
		try {
			await revokeApiToken(db, actor.accountId, parsed.data.tokenId)
			return reply({ intent, result: null, revoked: true })
		} catch (error) {
			if (!isAppError(error)) throw error
			return reply({ intent, result: null, error: error.message }, error.code === 'not_found' ? 404 : 400)
		}
	}

	const submission = parseWithZod(formData, { schema: ChangePasswordSchema })
	if (submission.status !== 'success') return reply({ intent: 'password', result: submission.reply({ hideFields: ['currentPassword', 'newPassword', 'confirmPassword'] }), changed: false }, 400)
	try {
		await changePassword(db, submission.value, actor)
		return reply({ intent: 'password', result: submission.reply({ resetForm: true }), changed: true })
	} catch (error) {
		const response = replyWithError(submission, error)
		return reply({ intent: 'password', result: response.data.result }, response.init?.status ?? 400)
	}
}

export default function SettingsPage() {
	const { t, i18n } = useTranslation()
	const { account, memberships, sessions } = useLoaderData<typeof loader>()
	const actionData = useActionData<typeof action>()
	const [form, fields] = useForm({
		id: 'change-password',
		lastResult: actionData?.intent === 'password' ? actionData.result : undefined,
		onValidate: ({ formData }) => parseWithZod(formData, { schema: ChangePasswordSchema }),
		shouldRevalidate: 'onBlur',
	})
	const fmt = (ms: number) => new Date(ms).toLocaleString(i18n.language)
	return (
		<>
			<h1>{t('settings.title')}</h1>
			<section className="card">
				<h2>{t('settings.profile')}</h2>
				<p>
					{account?.displayName} · {account?.username} · {account?.email}
					{account?.isNationalAdmin ? <span className="tag key"> {t('settings.national_admin')}</span> : null}
				</p>
				<h3>{t('settings.my_orgs')}</h3>
				{memberships.length ? (
					<ul className="plain">
						{memberships.map((m) => (
							<li key={m.orgId}>
								<Link to={`/orgs/${m.orgId}`}>{m.orgName}</Link> · {t(`vocab.org_kind.${m.kind}`)} · {t(`vocab.role.${m.role}`)}{' '}
								<span className={`tag ${m.status}`}>{t(`vocab.org_status.${m.status}`)}</span>
							</li>
						))}
					</ul>
				) : (
					<p className="muted">{t('settings.no_orgs')}</p>
				)}
				<p>
					<Link to="/orgs/new">{t('settings.register_org')}</Link>
				</p>
			</section>
			<section className="card">
				<h2>{t('settings.change_password')}</h2>
				{actionData?.intent === 'password' && actionData.changed ? <p className="notice" role="status">{t('settings.password_changed')}</p> : null}
				<Form method="post" className="narrow" {...getFormProps(form)}>
					<ErrorList id={form.errorId} errors={form.errors} />
					<Field meta={fields.currentPassword} label={t('settings.current_password')} type="password" autoComplete="current-password" />
					<Field meta={fields.newPassword} label={t('settings.new_password')} type="password" autoComplete="new-password" hint={t('auth.password_hint')} />
					<Field meta={fields.confirmPassword} label={t('settings.confirm_password')} type="password" autoComplete="new-password" />
					<input type="hidden" name="intent" value="password" />
					<button type="submit">{t('settings.change_password')}</button>
				</Form>
			</section>
			<section className="card">
				<h2>{t('settings.sessions')}</h2>
				<div className="table-wrap">
					<table>
						<thead>
							<tr>
								<th>{t('settings.signed_in_at')}</th>
								<th>{t('settings.device')}</th>
								<th>IP</th>
							</tr>
						</thead>
						<tbody>
							{sessions.map((s) => (
								<tr key={s.createdAt + (s.userAgent ?? '')}>
									<td>
										{fmt(s.createdAt)} {s.current ? <span className="tag verified">{t('settings.this_device')}</span> : null}
									</td>
									<td>{s.userAgent ?? '—'}</td>
									<td>{s.ip ?? '—'}</td>
								</tr>
							))}
						</tbody>
					</table>
				</div>
				<Form method="post" action="/logout">
					<input type="hidden" name="everywhere" value="1" />
					<p>
						<button type="submit" className="secondary">
							{t('settings.logout_everywhere')}
						</button>
					</p>
				</Form>
			</section>
			<ApiTokens />
		</>
	)
}

function ApiTokens() {
	const { t, i18n } = useTranslation()
	const { tokens } = useLoaderData<typeof loader>()
	const actionData = useActionData<typeof action>()
	const navigation = useNavigation()
	const [form, fields] = useForm({
		id: 'create-token',
		lastResult: actionData?.intent === 'create-token' ? actionData.result : undefined,
		defaultValue: { scope: 'read', expiresInDays: String(TOKEN_DEFAULT_DAYS) },
		onValidate: ({ formData }) => parseWithZod(formData, { schema: TokenFormSchema }),
		shouldRevalidate: 'onBlur',
	})
	const created = actionData?.intent === 'create-token' ? actionData.created : undefined
	const revokeError = actionData?.intent === 'revoke-token' ? actionData.error : undefined
	const fmt = (ms: number | null) => (ms === null ? t('api.tokens.never') : new Date(ms).toLocaleString(i18n.language))
	const busy = navigation.state === 'submitting'
	return (
		<section className="card" aria-labelledby="h-api-tokens">
			<h2 id="h-api-tokens">{t('api.tokens.title')}</h2>
			<p>
				{t('api.tokens.intro')} <Link to="/api/docs">{t('api.tokens.docs_link')}</Link>
			</p>
			{created ? <NewToken token={created.token} name={created.name} /> : null}
			{actionData?.intent === 'revoke-token' && actionData.revoked ? (
				<p className="notice" role="status">
					{t('api.tokens.revoked_notice')}
				</p>
			) : null}
			{revokeError ? <ErrorList errors={[revokeError]} /> : null}
			{tokens.length ? (
				<div className="table-wrap">
					<table>
						<thead>
							<tr>
								<th>{t('api.tokens.col_name')}</th>
								<th>{t('api.tokens.col_prefix')}</th>
								<th>{t('api.tokens.col_scope')}</th>
								<th>{t('api.tokens.col_created')}</th>
								<th>{t('api.tokens.col_expires')}</th>
								<th>{t('api.tokens.col_last_used')}</th>
								<th>{t('api.tokens.col_state')}</th>
								<th>{t('api.tokens.col_actions')}</th>
							</tr>
						</thead>
						<tbody>
							{tokens.map((tok) => (
								<tr key={tok.id}>
									<td>{tok.name}</td>
									<td>
										<code>{`${tok.prefix}…`}</code>
									</td>
									<td>{t(`api.tokens.scope_${tok.scope}`)}</td>
									<td>{fmt(tok.createdAt)}</td>
									<td>{fmt(tok.expiresAt)}</td>
									<td>{fmt(tok.lastUsedAt)}</td>
									<td>
										<span className={`tag ${tok.state === 'active' ? 'verified' : tok.state}`}>{t(`api.tokens.state_${tok.state}`)}</span>
									</td>
									<td>
										{tok.state === 'active' ? (
											<Form method="post">
												<input type="hidden" name="intent" value="revoke-token" />
												<input type="hidden" name="tokenId" value={tok.id} />
												<button type="submit" className="secondary" disabled={busy} aria-label={t('api.tokens.revoke_named', { name: tok.name })}>
													{t('api.tokens.revoke')}
												</button>
											</Form>
										) : null}
									</td>
								</tr>
							))}
						</tbody>
					</table>
				</div>
			) : (
				<p className="muted">{t('api.tokens.none')}</p>
			)}
			<h3>{t('api.tokens.create_title')}</h3>
			<Form method="post" className="narrow" {...getFormProps(form)}>
				<input type="hidden" name="intent" value="create-token" />
				<ErrorList id={form.errorId} errors={form.errors} />
				<Field meta={fields.name} label={t('api.tokens.name')} hint={t('api.tokens.name_hint')} maxLength={100} />
				<SelectField meta={fields.scope} label={t('api.tokens.scope')}>
					<option value="read">{t('api.tokens.scope_read')}</option>
					<option value="read_write">{t('api.tokens.scope_read_write')}</option>
				</SelectField>
				<Field meta={fields.expiresInDays} label={t('api.tokens.expires_in_days')} type="number" min={1} max={365} step={1} inputMode="numeric" hint={t('api.tokens.expiry_hint')} />
				<button type="submit" disabled={busy}>
					{t('api.tokens.create')}
				</button>
			</Form>
		</section>
	)
}

/** The new token, shown this once, with a copy button. */
function NewToken({ token, name }: { token: string; name: string }) {
	const { t } = useTranslation()
	const [copied, setCopied] = useState(false)
	return (
		<div className="notice" role="status" data-testid="new-token">
			<p>
				<strong>{t('api.tokens.created_title', { name })}</strong>
			</p>
			<p>{t('api.tokens.created_warning')}</p>
			<div className="field">
				<label htmlFor="new-token-value">{t('api.tokens.copy_hint')}</label>
				<input id="new-token-value" readOnly value={token} onFocus={(e) => e.currentTarget.select()} spellCheck={false} autoComplete="off" style={{ fontFamily: 'monospace' }} />
			</div>
			<button
				type="button"
				className="secondary"
				onClick={() => {
					void navigator.clipboard?.writeText(token).then(() => setCopied(true))
				}}
			>
				{copied ? t('api.tokens.copied') : t('api.tokens.copy')}
			</button>
		</div>
	)
}
