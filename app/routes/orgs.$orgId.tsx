import { type SubmissionResult, getCollectionProps, getFormProps, getTextareaProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import type { MemberRole, OrgStatus } from '#db/schema.ts'
import { ErrorList, Field, SelectField } from '#app/components/form.tsx'
import { listEvents } from '#app/models/event.server.ts'
import { AddMemberSchema, MEMBER_ROLES, ReviewOrganizationSchema, type ReviewOrganizationInput } from '#app/models/organization.schema.ts'
import { addMember, getOrganization, listMembers, removeMember, reviewOrganization } from '#app/models/organization.server.ts'
import { listPairingsForOrg } from '#app/models/pairing.server.ts'
import { fullNames } from '#app/models/region.server.ts'
import { ListingsSection } from '#app/components/listings.tsx'
import { listOrgListings } from '#app/models/listings.server.ts'
import { getRequestContext, requireActor } from '#app/utils/auth.server.ts'
import { isAppError } from '#app/utils/errors.ts'
import { notFound, replyWithError } from '#app/utils/http.server.ts'
import { tm } from '#app/utils/i18n-message.ts'

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.org.name ?? '单位'} · 帮扶 Bangfu` }]

type Decision = ReviewOrganizationInput['decision']
/** What a reviewer may decide from each status (mirrors the model's transitions). */
const DECISIONS_BY_STATUS: Record<OrgStatus, Decision[]> = {
	pending: ['verify', 'reject'],
	verified: ['suspend'],
	suspended: ['reinstate'],
	rejected: [],
}

type EventRow = Awaited<ReturnType<typeof listEvents>>[number]

function timelineEntry(e: EventRow, memberNames: Map<string, string>) {
	// Member events note `accountId[:role]`; show the member's name instead of an id.
	const memberEvent = e.action === 'add_member' || e.action === 'remove_member'
	const [accountId, role] = e.note.split(':')
	return {
		id: e.id,
		action: e.action,
		actorName: e.actorName,
		createdAt: e.createdAt,
		note: memberEvent ? null : e.note,
		memberName: memberEvent ? (memberNames.get(accountId) ?? null) : null,
		memberRole: memberEvent && (MEMBER_ROLES as readonly string[]).includes(role) ? (role as MemberRole) : null,
	}
}

export async function loader({ request, params }: LoaderFunctionArgs) {
	const { db, actor } = await getRequestContext(request)
	const org = await getOrganization(db, params.orgId ?? '', actor)
	if (!org) notFound('errors.org_not_found')
	// Members and the history are for the org's own members and the officials who may review it.
	const insider = actor && (org.viewer.role || org.viewer.canReview) ? actor : null
	const [pairings, members, events, listings] = await Promise.all([
		listPairingsForOrg(db, org.id),
		insider
			? listMembers(db, org.id, insider).catch((error) => {
					if (isAppError(error)) return null
					throw error
				})
			: null,
		insider ? listEvents(db, 'organization', org.id) : null,
		listOrgListings(db, org, actor),
	])
	const codes = [org.regionCode, ...pairings.flatMap((p) => [p.recipientRegionCode, p.providerRegionCode])].filter((c): c is string => !!c)
	const names = Object.fromEntries(await fullNames(db, codes))
	const memberNames = new Map(members?.map((m) => [m.accountId, m.displayName]))
	return {
		org: {
			id: org.id,
			name: org.name,
			kind: org.kind,
			subtype: org.subtype,
			status: org.status,
			statusReason: org.statusReason,
			uscc: org.uscc,
			regionCode: org.regionCode,
			regionName: org.regionCode ? (names[org.regionCode] ?? org.regionName ?? org.regionCode) : null,
			description: org.description,
			contactName: org.contactName,
			contactPhone: org.contactPhone,
			isDemo: org.isDemo === 1,
			createdAt: org.createdAt,
			reviewedAt: org.reviewedAt,
		},
		viewer: { ...org.viewer, accountId: actor?.accountId ?? null },
		listings,
		pairings: pairings.map((p) => ({
			id: p.id,
			kind: p.kind,
			startedYear: p.startedYear,
			inherited: p.inherited,
			providerOrgId: p.providerOrgId,
			provider: p.providerOrgName ?? (p.providerRegionCode ? (names[p.providerRegionCode] ?? p.providerRegionName) : null),
			recipient: names[p.recipientRegionCode] ?? p.recipientRegionName,
		})),
		members,
		events: events ? events.map((e) => timelineEntry(e, memberNames)) : null,
	}
}

const RemoveMemberSchema = z.object({ accountId: z.string({ error: 'validation.required' }).trim().min(1, { error: 'validation.required' }) })

type Intent = 'review' | 'add-member' | 'remove-member'
type ActionResult = { intent: Intent | null; result: SubmissionResult<string[]> | null; notice: string | null; error: string | null }

function reply(body: Omit<ActionResult, 'error' | 'notice'> & Partial<ActionResult>, status = 200) {
	return data<ActionResult>({ notice: null, error: null, ...body }, { status })
}

/** replyWithError, keeping which form the errors belong to. */
function replyWithIntentError(intent: Intent, submission: Parameters<typeof replyWithError>[0], error: unknown) {
	const response = replyWithError(submission, error)
	return reply({ intent, result: response.data.result }, response.init?.status ?? 400)
}

// Each intent re-checks permission in the model; the flags that show or hide forms are only UI.
export async function action({ request, params }: ActionFunctionArgs) {
	const { db, actor } = await requireActor(request)
	const orgId = params.orgId ?? ''
	const formData = await request.formData()
	const intent = formData.get('intent')
	switch (intent) {
		case 'review': {
			const submission = parseWithZod(formData, { schema: ReviewOrganizationSchema })
			if (submission.status !== 'success') return reply({ intent, result: submission.reply() }, 400)
			try {
				await reviewOrganization(db, orgId, submission.value, actor)
				return reply({ intent, result: submission.reply({ resetForm: true }), notice: `org_page.notice.${submission.value.decision}` })
			} catch (error) {
				return replyWithIntentError(intent, submission, error)
			}
		}
		case 'add-member': {
			const submission = parseWithZod(formData, { schema: AddMemberSchema })
			if (submission.status !== 'success') return reply({ intent, result: submission.reply() }, 400)
			try {
				await addMember(db, orgId, submission.value, actor)
				return reply({ intent, result: submission.reply({ resetForm: true }), notice: 'org_page.notice.member_added' })
			} catch (error) {
				return replyWithIntentError(intent, submission, error)
			}
		}
		case 'remove-member': {
			const submission = parseWithZod(formData, { schema: RemoveMemberSchema })
			if (submission.status !== 'success') return reply({ intent, result: submission.reply() }, 400)
			try {
				await removeMember(db, orgId, submission.value.accountId, actor)
				return reply({ intent, result: submission.reply(), notice: 'org_page.notice.member_removed' })
			} catch (error) {
				return replyWithIntentError(intent, submission, error)
			}
		}
		default:
			return reply({ intent: null, result: null, error: 'org_page.unknown_intent' }, 400)
	}
}

const dlStyle = { display: 'grid', gridTemplateColumns: 'minmax(6em, max-content) 1fr', gap: '4px 16px', margin: 0 } as const

export default function OrganizationPage() {
	const { t, i18n } = useTranslation()
	const { org, viewer, pairings, members, events, listings } = useLoaderData<typeof loader>()
	const actionData = useActionData<typeof action>()
	const [searchParams] = useSearchParams()
	const date = (ms: number) => new Date(ms).toLocaleDateString(i18n.language)
	// A pending or suspended org is waiting for a decision: the review form goes first.
	const reviewFirst = org.status === 'pending' || org.status === 'suspended'
	const ownerCount = members?.filter((m) => m.role === 'owner').length ?? 0
	const removeErrors = actionData?.intent === 'remove-member' ? Object.values(actionData.result?.error ?? {}).flatMap((e) => e ?? []) : []

	return (
		<>
			<p className="crumbs">
				<Link to="/orgs">{t('orgs.title')}</Link> ›
			</p>
			<h1>
				{org.name}{' '}
				<span className={`tag ${org.status}`} style={{ verticalAlign: 'middle' }}>
					{t(`vocab.org_status.${org.status}`)}
				</span>
				{org.isDemo ? (
					<>
						{' '}
						<span className="tag" style={{ verticalAlign: 'middle' }}>
							{t('org_page.demo')}
						</span>
					</>
				) : null}
			</h1>

			{searchParams.get('created') === '1' && org.status === 'pending' ? (
				<p className="notice" role="status">
					{t('org_page.created')}
				</p>
			) : null}
			{actionData?.notice ? (
				<p className="notice" role="status">
					{tm(t, actionData.notice)}
				</p>
			) : null}
			{actionData?.error ? (
				<div className="form-errors" role="alert">
					{tm(t, actionData.error)}
				</div>
			) : null}
			{org.status === 'pending' || org.status === 'rejected' ? <p className="muted">{t(`org_page.${org.status}_hint`)}</p> : null}

			<section className="card" aria-labelledby="h-details">
				<h2 id="h-details" style={{ marginTop: 0 }}>
					{t('org_page.details')}
				</h2>
				<dl style={dlStyle}>
					<dt>{t('org_page.kind')}</dt>
					<dd style={{ margin: 0 }}>
						{t(`vocab.org_kind.${org.kind}`)}
						{org.kind === 'mass_org' && org.subtype ? ` · ${t(`vocab.mass_org_subtype.${org.subtype}`)}` : null}
					</dd>
					<dt>{t('org_page.status')}</dt>
					<dd style={{ margin: 0 }}>
						<span className={`tag ${org.status}`}>{t(`vocab.org_status.${org.status}`)}</span>
						{org.statusReason ? <> {t('org_page.status_reason', { reason: org.statusReason })}</> : null}
					</dd>
					{org.regionCode ? (
						<>
							<dt>{t(org.kind === 'village' ? 'org_page.village' : 'org_page.region')}</dt>
							<dd style={{ margin: 0 }}>
								{org.regionName} <span className="muted">{org.regionCode}</span>
								<br />
								<Link to={`/orgs?region=${org.regionCode}`}>{t('org_page.same_region')}</Link>
							</dd>
						</>
					) : null}
					{org.uscc ? (
						<>
							<dt>{t('org_page.uscc')}</dt>
							<dd style={{ margin: 0 }}>{org.uscc}</dd>
						</>
					) : null}
					{org.contactName ? (
						<>
							<dt>{t('org_page.contact')}</dt>
							<dd style={{ margin: 0 }}>{org.contactName}</dd>
						</>
					) : null}
					{org.contactPhone ? (
						<>
							<dt>{t('org_page.contact_phone')}</dt>
							<dd style={{ margin: 0 }}>
								<a href={`tel:${org.contactPhone.replace(/[^0-9+]/g, '')}`}>{org.contactPhone}</a>
							</dd>
						</>
					) : null}
					<dt>{t('org_page.created_at')}</dt>
					<dd style={{ margin: 0 }}>{date(org.createdAt)}</dd>
					{org.reviewedAt ? (
						<>
							<dt>{t('org_page.reviewed_at')}</dt>
							<dd style={{ margin: 0 }}>{date(org.reviewedAt)}</dd>
						</>
					) : null}
				</dl>
				<h3>{t('org_page.description')}</h3>
				{org.description ? <p style={{ whiteSpace: 'pre-wrap' }}>{org.description}</p> : <p className="muted">{t('org_page.no_description')}</p>}
			</section>

			{viewer.canReview && reviewFirst ? <ReviewSection key={org.status} status={org.status} actionData={actionData} /> : null}

			<ListingsSection listings={listings} />
			<section className="card" aria-labelledby="h-pairings">
				<h2 id="h-pairings" style={{ marginTop: 0 }}>
					{t('org_page.pairings')}
				</h2>
				{pairings.length ? (
					<div className="table-wrap">
						<table>
							<thead>
								<tr>
									<th scope="col">{t('org_page.pairing_kind')}</th>
									<th scope="col">{t('org_page.provider')}</th>
									<th scope="col">{t('org_page.recipient')}</th>
								</tr>
							</thead>
							<tbody>
								{pairings.map((p) => (
									<tr key={p.id}>
										<td style={{ whiteSpace: 'nowrap' }}>
											{t(`vocab.pairing_kind.${p.kind}`)}
											<div className="muted">{t('org_page.since', { year: p.startedYear })}</div>
										</td>
										<td>{p.providerOrgId && p.providerOrgId !== org.id ? <Link to={`/orgs/${p.providerOrgId}`}>{p.provider}</Link> : (p.provider ?? '—')}</td>
										<td>
											{p.recipient}
											{p.inherited ? <div className="muted">{t('org_page.inherited')}</div> : null}
										</td>
									</tr>
								))}
							</tbody>
						</table>
					</div>
				) : (
					<p className="muted">{t('org_page.pairings_empty')}</p>
				)}
			</section>

			{members ? (
				<section className="card" aria-labelledby="h-members">
					<h2 id="h-members" style={{ marginTop: 0 }}>
						{t('org_page.members')}
					</h2>
					{actionData?.intent === 'remove-member' && removeErrors.length ? (
						<div className="form-errors">
							<ErrorList errors={removeErrors} />
						</div>
					) : null}
					<div className="table-wrap">
						<table>
							<thead>
								<tr>
									<th scope="col">{t('org_page.member')}</th>
									<th scope="col">{t('org_page.role')}</th>
									<th scope="col">{t('org_page.joined_at')}</th>
								</tr>
							</thead>
							<tbody>
								{members.map((m) => {
									const self = m.accountId === viewer.accountId
									// Mirrors removeMember's rules so the button appears only where it can work.
									const lastOwner = m.role === 'owner' && ownerCount <= 1
									const canRemove = !lastOwner && (self || (viewer.canManageMembers && (m.role !== 'owner' || viewer.role === 'owner')))
									return (
										<tr key={m.accountId}>
											<td>
												{m.displayName}
												{self ? t('org_page.you') : null}
												<div className="muted">{m.username}</div>
												{canRemove ? (
													<Form method="post" style={{ marginTop: 4 }}>
														<input type="hidden" name="intent" value="remove-member" />
														<input type="hidden" name="accountId" value={m.accountId} />
														<button
															type="submit"
															className="secondary"
															style={{ padding: '2px 10px', fontSize: '.9rem' }}
															aria-label={self ? undefined : t('org_page.remove_label', { name: m.displayName })}
														>
															{self ? t('org_page.leave') : t('org_page.remove')}
														</button>
													</Form>
												) : null}
											</td>
											<td style={{ whiteSpace: 'nowrap' }}>{t(`vocab.role.${m.role}`)}</td>
											<td>{date(m.createdAt)}</td>
										</tr>
									)
								})}
							</tbody>
						</table>
					</div>
					{viewer.canManageMembers ? <AddMemberForm viewerRole={viewer.role} actionData={actionData} /> : null}
				</section>
			) : null}

			{events ? (
				<section className="card" aria-labelledby="h-timeline">
					<h2 id="h-timeline" style={{ marginTop: 0 }}>
						{t('org_page.timeline')}
					</h2>
					{events.length ? (
						<ul className="plain">
							{events.map((e) => {
								const detail = e.note || [e.memberName, e.memberRole ? t(`vocab.role.${e.memberRole}`) : null].filter(Boolean).join(' · ')
								return (
									<li key={e.id}>
										<strong>{i18n.exists(`org_page.events.${e.action}`) ? t(`org_page.events.${e.action}`) : t('org_page.events.other', { action: e.action })}</strong>
										{detail ? <> · {detail}</> : null}
										<div className="muted">
											<time dateTime={new Date(e.createdAt).toISOString()}>{new Date(e.createdAt).toLocaleString(i18n.language)}</time> · {e.actorName ?? t('org_page.system')}
										</div>
									</li>
								)
							})}
						</ul>
					) : (
						<p className="muted">{t('org_page.timeline_empty')}</p>
					)}
				</section>
			) : null}

			{viewer.canReview && !reviewFirst ? <ReviewSection key={org.status} status={org.status} actionData={actionData} /> : null}
		</>
	)
}

type ActionData = ReturnType<typeof useActionData<typeof action>>

function ReviewSection({ status, actionData }: { status: OrgStatus; actionData: ActionData }) {
	const { t } = useTranslation()
	const navigation = useNavigation()
	const decisions = DECISIONS_BY_STATUS[status]
	const [form, fields] = useForm({
		id: 'review',
		lastResult: actionData?.intent === 'review' ? actionData.result : undefined,
		defaultValue: { decision: decisions.length === 1 ? decisions[0] : undefined },
		onValidate: ({ formData }) => parseWithZod(formData, { schema: ReviewOrganizationSchema }),
		shouldValidate: 'onBlur',
		shouldRevalidate: 'onInput',
	})
	return (
		<section className="card" aria-labelledby="h-review">
			<h2 id="h-review" style={{ marginTop: 0 }}>
				{t('org_page.review')}
			</h2>
			{decisions.length ? (
				<>
					<p className="muted">{t('org_page.review_hint')}</p>
					<Form method="post" className="narrow" {...getFormProps(form)}>
						<input type="hidden" name="intent" value="review" />
						<div className={form.errors?.length ? 'form-errors' : undefined}>
							<ErrorList id={form.errorId} errors={form.errors} />
						</div>
						<fieldset className="field" style={{ border: 0, padding: 0, margin: '0 0 12px' }}>
							<legend style={{ fontWeight: 600, marginBottom: 4 }}>{t('org_page.decision')}</legend>
							<div style={{ display: 'flex', flexWrap: 'wrap', gap: '4px 16px' }}>
								{getCollectionProps(fields.decision, { type: 'radio', options: decisions }).map(({ key, ...props }) => (
									<label key={key} htmlFor={props.id} style={{ fontWeight: 400, display: 'inline-flex', gap: 6, alignItems: 'center' }}>
										<input {...props} />
										{t(`org_page.decisions.${props.value}`)}
									</label>
								))}
							</div>
							<ErrorList id={fields.decision.errorId} errors={fields.decision.errors} />
						</fieldset>
						<div className="field">
							<label htmlFor={fields.reason.id}>{t('org_page.reason')}</label>
							<textarea {...getTextareaProps(fields.reason, { ariaAttributes: true })} rows={3} maxLength={500} />
							<small className="hint">{t('org_page.reason_hint')}</small>
							<ErrorList id={fields.reason.errorId} errors={fields.reason.errors} />
						</div>
						<button type="submit" disabled={navigation.state === 'submitting'}>
							{t('org_page.submit_review')}
						</button>
					</Form>
				</>
			) : (
				<p className="muted">{t('org_page.no_review_action')}</p>
			)}
		</section>
	)
}

function AddMemberForm({ viewerRole, actionData }: { viewerRole: MemberRole | undefined; actionData: ActionData }) {
	const { t } = useTranslation()
	const navigation = useNavigation()
	const [form, fields] = useForm({
		id: 'add-member',
		lastResult: actionData?.intent === 'add-member' ? actionData.result : undefined,
		defaultValue: { role: 'member' },
		onValidate: ({ formData }) => parseWithZod(formData, { schema: AddMemberSchema }),
		shouldValidate: 'onBlur',
		shouldRevalidate: 'onInput',
	})
	const roles = MEMBER_ROLES.filter((r) => r !== 'owner' || viewerRole === 'owner')
	return (
		<>
			<h3>{t('org_page.add_member')}</h3>
			<p className="muted">{t('org_page.add_member_hint')}</p>
			<Form method="post" className="narrow" {...getFormProps(form)}>
				<input type="hidden" name="intent" value="add-member" />
				<div className={form.errors?.length ? 'form-errors' : undefined}>
					<ErrorList id={form.errorId} errors={form.errors} />
				</div>
				<Field meta={fields.email} label={t('org_page.email')} type="email" autoComplete="off" />
				<SelectField meta={fields.role} label={t('org_page.role')}>
					{roles.map((r) => (
						<option key={r} value={r}>
							{t(`vocab.role.${r}`)}
						</option>
					))}
				</SelectField>
				<button type="submit" disabled={navigation.state === 'submitting'}>
					{t('org_page.add_member')}
				</button>
			</Form>
		</>
	)
}
