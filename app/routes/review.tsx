import { type SubmissionResult, getFormProps, getInputProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { ErrorList } from '#app/components/form.tsx'
import { ReviewOrganizationSchema } from '#app/models/organization.schema.ts'
import { getOrganization, listReviewQueue, reviewOrganization } from '#app/models/organization.server.ts'
import { isOfficial } from '#app/models/policy.server.ts'
import { fullNames } from '#app/models/region.server.ts'
import { countNeedsAwaitingReview } from '#app/models/need.server.ts'
import { requireActor } from '#app/utils/auth.server.ts'
import { forbidden, replyWithError } from '#app/utils/http.server.ts'

export const meta: MetaFunction = () => [{ title: '单位审核 · 帮扶 Bangfu' }]

type QueueStatus = 'pending' | 'suspended'

async function requireOfficial(request: Request) {
	const context = await requireActor(request)
	if (!isOfficial(context.actor)) forbidden()
	return context
}

export async function loader({ request }: LoaderFunctionArgs) {
	const { db, actor } = await requireOfficial(request)
	const status: QueueStatus = new URL(request.url).searchParams.get('status') === 'suspended' ? 'suspended' : 'pending'
	const [rows, needCount] = await Promise.all([listReviewQueue(db, actor, { status }), countNeedsAwaitingReview(db, actor)])
	const names = Object.fromEntries(await fullNames(db, rows.map((r) => r.regionCode).filter((c): c is string => !!c)))
	return {
		status,
		needCount,
		rows: rows.map((r) => ({
			id: r.id,
			name: r.name,
			kind: r.kind,
			subtype: r.subtype,
			isDemo: r.isDemo === 1,
			regionName: r.regionCode ? (names[r.regionCode] ?? r.regionName ?? r.regionCode) : null,
			statusReason: r.statusReason,
			createdAt: r.createdAt,
		})),
	}
}

type ActionResult = { orgId: string; result: SubmissionResult<string[]>; notice: { decision: string; name: string } | null }

export async function action({ request }: ActionFunctionArgs) {
	const { db, actor } = await requireOfficial(request)
	const formData = await request.formData()
	const orgId = String(formData.get('orgId') ?? '')
	const submission = parseWithZod(formData, { schema: ReviewOrganizationSchema })
	if (submission.status !== 'success') return data<ActionResult>({ orgId, result: submission.reply(), notice: null }, { status: 400 })
	try {
		// The model checks jurisdiction and status in its update; nothing here trusts the page.
		await reviewOrganization(db, orgId, submission.value, actor)
		const org = await getOrganization(db, orgId, actor)
		return data<ActionResult>({ orgId, result: submission.reply({ resetForm: true }), notice: { decision: submission.value.decision, name: org?.name ?? '' } })
	} catch (error) {
		const response = replyWithError(submission, error)
		return data<ActionResult>({ orgId, result: response.data.result, notice: null }, { status: response.init?.status ?? 400 })
	}
}

export default function ReviewPage() {
	const { t } = useTranslation()
	const { status, rows, needCount } = useLoaderData<typeof loader>()
	const actionData = useActionData<typeof action>()
	const tabs: QueueStatus[] = ['pending', 'suspended']
	return (
		<>
			<h1>{t(`review.heading_${status}`, { count: rows.length })}</h1>
			<p>
				<Link to="/review/needs">{t('review.needs_link', { count: needCount })}</Link>
			</p>
			<nav aria-label={t('review.tabs')} className="row" style={{ marginBottom: 12 }}>
				{tabs.map((s) => (
					<Link
						key={s}
						to={s === 'pending' ? '/review' : `/review?status=${s}`}
						className={s === status ? 'button' : 'button secondary'}
						aria-current={s === status ? 'page' : undefined}
						style={s === status ? { flex: '0 0 auto', border: '1px solid transparent' } : { flex: '0 0 auto' }}
					>
						{t(`review.tab_${s}`)}
					</Link>
				))}
			</nav>
			<p className="muted">{t('review.intro')}</p>
			{actionData?.notice ? (
				<p className="notice" role="status">
					{t(`review.notice.${actionData.notice.decision}`, { name: actionData.notice.name })}
				</p>
			) : null}
			{rows.length ? (
				<div className="card" style={{ paddingTop: 4, paddingBottom: 4 }}>
					<ul className="plain">
						{rows.map((org) => (
							<QueueRow key={org.id} org={org} status={status} actionData={actionData?.orgId === org.id ? actionData : undefined} />
						))}
					</ul>
				</div>
			) : (
				<p className="card">{t(`review.empty_${status}`)}</p>
			)}
		</>
	)
}

type Row = ReturnType<typeof useLoaderData<typeof loader>>['rows'][number]

function QueueRow({ org, status, actionData }: { org: Row; status: QueueStatus; actionData: ActionResult | undefined }) {
	const { t, i18n } = useTranslation()
	const navigation = useNavigation()
	const busy = navigation.state === 'submitting' && navigation.formData?.get('orgId') === org.id
	const decided = actionData?.result.initialValue?.decision
	// The reason field belongs to the reject (or reinstate) form; other errors are shown for the row.
	const [form, fields] = useForm({
		id: `review-${org.id}`,
		lastResult: decided === 'reject' || decided === 'reinstate' ? actionData?.result : undefined,
		onValidate: ({ formData }) => parseWithZod(formData, { schema: ReviewOrganizationSchema }),
		shouldValidate: 'onSubmit',
		shouldRevalidate: 'onInput',
	})
	const rowErrors = actionData && decided !== 'reject' && decided !== 'reinstate' ? Object.values(actionData.result.error ?? {}).flatMap((e) => e ?? []) : []
	const headingId = `org-${org.id}`
	return (
		<li className="row" style={{ alignItems: 'flex-start', padding: '12px 0' }} aria-labelledby={headingId}>
			<div style={{ flex: '2 1 260px' }}>
				<Link to={`/orgs/${org.id}`} id={headingId}>
					<strong>{org.name}</strong>
				</Link>
				{org.isDemo ? (
					<>
						{' '}
						<span className="tag">{t('common.demo')}</span>
					</>
				) : null}
				<div className="muted">
					{t(`vocab.org_kind.${org.kind}`)}
					{org.kind === 'mass_org' && org.subtype ? ` · ${t(`vocab.mass_org_subtype.${org.subtype}`)}` : null}
					{org.regionName ? ` · ${org.regionName}` : null}
				</div>
				<div className="muted">{t('review.registered_at', { date: new Date(org.createdAt).toLocaleDateString(i18n.language) })}</div>
				{status === 'suspended' && org.statusReason ? <div>{t('review.suspended_reason', { reason: org.statusReason })}</div> : null}
				<ErrorList errors={rowErrors} />
			</div>
			<div style={{ flex: '1 1 260px' }}>
				{status === 'pending' ? (
					<>
						<Form method="post" style={{ marginBottom: 8 }}>
							<input type="hidden" name="orgId" value={org.id} />
							<input type="hidden" name="decision" value="verify" />
							<button type="submit" disabled={busy}>
								{t('review.verify')}
							</button>
						</Form>
						<Form method="post" {...getFormProps(form)}>
							<input type="hidden" name="orgId" value={org.id} />
							<input type="hidden" name="decision" value="reject" />
							<ErrorList id={form.errorId} errors={form.errors} />
							<label htmlFor={fields.reason.id} style={{ fontWeight: 600 }}>
								{t('review.reject_reason')}
							</label>
							<div style={{ display: 'flex', gap: 8 }}>
								<input
									{...getInputProps(fields.reason, { type: 'text', ariaAttributes: true })}
									aria-describedby={`${fields.reason.id}-hint ${fields.reason.errors?.length ? fields.reason.errorId : ''}`.trim()}
									maxLength={500}
									style={{ flex: '1 1 auto', minWidth: 0 }}
								/>
								<button type="submit" className="secondary" disabled={busy} style={{ flex: '0 0 auto' }}>
									{t('review.reject')}
								</button>
							</div>
							<small id={`${fields.reason.id}-hint`} className="hint">
								{t('review.reject_reason_hint')}
							</small>
							<ErrorList id={fields.reason.errorId} errors={fields.reason.errors} />
						</Form>
					</>
				) : (
					<Form method="post" {...getFormProps(form)}>
						<input type="hidden" name="orgId" value={org.id} />
						<input type="hidden" name="decision" value="reinstate" />
						<ErrorList id={form.errorId} errors={form.errors} />
						<label htmlFor={fields.reason.id} style={{ fontWeight: 600 }}>
							{t('review.reinstate_note')}
						</label>
						<div style={{ display: 'flex', gap: 8 }}>
							<input {...getInputProps(fields.reason, { type: 'text', ariaAttributes: true })} maxLength={500} style={{ flex: '1 1 auto', minWidth: 0 }} />
							<button type="submit" disabled={busy} style={{ flex: '0 0 auto' }}>
								{t('review.reinstate')}
							</button>
						</div>
						<ErrorList id={fields.reason.errorId} errors={fields.reason.errors} />
					</Form>
				)}
			</div>
		</li>
	)
}

