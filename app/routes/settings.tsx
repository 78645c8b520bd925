import { getFormProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { ErrorList, Field } from '#app/components/form.tsx'
import { ChangePasswordSchema } from '#app/models/account.schema.ts'
import { changePassword, getAccount, listSessions } from '#app/models/account.server.ts'
import { requireActor } from '#app/utils/auth.server.ts'
import { replyWithError } from '#app/utils/http.server.ts'

export const meta: MetaFunction = () => [{ title: '账号设置 · 帮扶 Bangfu' }]

export async function loader({ request }: LoaderFunctionArgs) {
	const { db, actor } = await requireActor(request)
	const [account, sessions] = await Promise.all([getAccount(db, actor.accountId), listSessions(db, actor.accountId)])
	return {
		account,
		memberships: actor.memberships,
		sessions: sessions.map((s) => ({ ...s, id: undefined, current: s.id === actor.sessionId })),
	}
}

export async function action({ request }: ActionFunctionArgs) {
	const { db, actor } = await requireActor(request)
	const formData = await request.formData()
	const submission = parseWithZod(formData, { schema: ChangePasswordSchema })
	if (submission.status !== 'success') return data({ result: submission.reply({ hideFields: ['currentPassword', 'newPassword', 'confirmPassword'] }), changed: false }, { status: 400 })
	try {
		await changePassword(db, submission.value, actor)
		return { result: submission.reply({ resetForm: true }), changed: true }
	} catch (error) {
		return replyWithError(submission, error)
	}
}

export default function SettingsPage() {
	const { t, i18n } = useTranslation()
	const { account, memberships, sessions } = useLoaderData<typeof loader>()
	const actionData = useActionData<typeof action>()
	const [form, fields] = useForm({
		id: 'change-password',
		lastResult: actionData?.result,
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
				{actionData && 'changed' in actionData && actionData.changed ? <p className="notice" role="status">{t('settings.password_changed')}</p> : null}
				<Form method="post" className="narrow" {...getFormProps(form)}>
					<ErrorList id={form.errorId} errors={form.errors} />
					<Field meta={fields.currentPassword} label={t('settings.current_password')} type="password" autoComplete="current-password" />
					<Field meta={fields.newPassword} label={t('settings.new_password')} type="password" autoComplete="new-password" hint={t('auth.password_hint')} />
					<Field meta={fields.confirmPassword} label={t('settings.confirm_password')} type="password" autoComplete="new-password" />
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
		</>
	)
}
