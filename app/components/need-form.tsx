// The need form's fields and the photo input, shared by needs.new.tsx, needs.$needId_.edit.tsx
// and the need page (photos), and the tap-sized style the need pages use for their controls.
import { type FieldMetadata, getCollectionProps, getSelectProps, getTextareaProps } from '@conform-to/react'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ErrorList, Field } from '#app/components/form.tsx'
import { MEASURES, NEED_CATEGORIES, URGENCIES } from '#app/models/marketplace-vocab.ts'
import { MAX_NEED_PHOTOS, NEED_DESCRIPTION_MAX, NEED_TITLE_MAX, NEED_UNIT_MAX } from '#app/models/need.schema.ts'

// True once React has hydrated, so fields that do not apply are hidden only when JavaScript is
// there to show them again (without it, every field shows, with hints).
let hydrating = true
function useHydrated() {
	const [hydrated, setHydrated] = useState(() => !hydrating)
	useEffect(() => {
		hydrating = false
		setHydrated(true)
	}, [])
	return hydrated
}

/** The create/edit form's shape as the browser posts it. */
export type NeedFormShape = {
	villageOrgId: string
	title: string
	description: string
	category: string
	measure: string
	amount: string
	quantity: string
	unit: string
	beneficiaries: string
	urgency: string
	neededBy: string
	photos: File[]
}
type NeedFields = { [K in keyof NeedFormShape]: FieldMetadata<NeedFormShape[K], NeedFormShape, string[]> }

export const tapStyle = { minHeight: 44 } as const
const choiceStyle = { display: 'flex', gap: 8, alignItems: 'center', fontWeight: 400, padding: '8px 4px', minHeight: 44 } as const
const fieldsetStyle = { border: '1px solid var(--line)', borderRadius: 6, padding: '4px 12px 8px', margin: '0 0 12px' } as const

function describedBy(...ids: Array<string | false | 0 | undefined>) {
	return ids.filter(Boolean).join(' ') || undefined
}

/** The need's fields, shared by the new and edit pages. Labels on every input; errors under each. */
export function NeedFields({ fields, today, photosMaxMb }: { fields: NeedFields; today: string; photosMaxMb?: number }) {
	const { t } = useTranslation()
	const hydrated = useHydrated()
	const measure = fields.measure.value
	// With JS and a measure chosen, only its fields show; without JS both do, with a hint.
	const show = (m: 'amount' | 'quantity') => !hydrated || !measure || measure === m
	const textareaErrors = fields.description.errors?.length ? fields.description.errorId : undefined
	return (
		<>
			<Field meta={fields.title} label={t('need.fields.title')} hint={t('need.fields.title_hint')} maxLength={NEED_TITLE_MAX} />

			<div className="field">
				<label htmlFor={fields.description.id}>{t('need.fields.description')}</label>
				<textarea
					{...getTextareaProps(fields.description, { ariaAttributes: true })}
					aria-describedby={describedBy(`${fields.description.id}-hint`, textareaErrors)}
					rows={6}
					maxLength={NEED_DESCRIPTION_MAX}
				/>
				<small id={`${fields.description.id}-hint`} className="hint">
					{t('need.fields.description_hint')}
				</small>
				<ErrorList id={fields.description.errorId} errors={fields.description.errors} />
			</div>

			<div className="field">
				<label htmlFor={fields.category.id}>{t('need.fields.category')}</label>
				<select {...getSelectProps(fields.category, { ariaAttributes: true })} style={tapStyle}>
					<option value="">{t('need.form.choose')}</option>
					{NEED_CATEGORIES.map((c) => (
						<option key={c} value={c}>
							{t(`vocab.category.${c}`)}
						</option>
					))}
				</select>
				<ErrorList id={fields.category.errorId} errors={fields.category.errors} />
			</div>

			<fieldset className="field" style={fieldsetStyle} aria-describedby={describedBy(!hydrated && `${fields.measure.id}-hint`, fields.measure.errors?.length && fields.measure.errorId)}>
				<legend style={{ fontWeight: 600, padding: '0 4px' }}>{t('need.fields.measure')}</legend>
				<div style={{ display: 'flex', flexWrap: 'wrap', gap: '0 16px' }}>
					{getCollectionProps(fields.measure, { type: 'radio', options: [...MEASURES] }).map(({ key, ...props }) => (
						<label key={key} htmlFor={props.id} style={choiceStyle}>
							<input {...props} style={{ width: 20, height: 20 }} />
							{t(`vocab.measure.${props.value}`)}
						</label>
					))}
				</div>
				{!hydrated ? (
					<small id={`${fields.measure.id}-hint`} className="hint">
						{t('need.form.measure_hint')}
					</small>
				) : null}
				<ErrorList id={fields.measure.errorId} errors={fields.measure.errors} />
			</fieldset>

			<div hidden={!show('amount')}>
				<Field meta={fields.amount} label={t('need.fields.amount')} hint={t('need.fields.amount_hint')} inputMode="decimal" maxLength={18} autoComplete="off" />
			</div>
			{/* `hidden` goes on a plain wrapper: the .row class's display would override it. */}
			<div hidden={!show('quantity')}>
				<div className="row" style={{ alignItems: 'flex-start' }}>
					<Field meta={fields.quantity} label={t('need.fields.quantity')} hint={t('need.fields.quantity_hint')} inputMode="numeric" maxLength={15} autoComplete="off" />
					<Field meta={fields.unit} label={t('need.fields.unit')} hint={t('need.fields.unit_hint')} maxLength={NEED_UNIT_MAX} />
				</div>
			</div>

			<Field meta={fields.beneficiaries} label={t('need.fields.beneficiaries')} hint={t('need.fields.beneficiaries_hint')} inputMode="numeric" maxLength={15} autoComplete="off" />

			<fieldset className="field" style={fieldsetStyle} aria-describedby={fields.urgency.errors?.length ? fields.urgency.errorId : undefined}>
				<legend style={{ fontWeight: 600, padding: '0 4px' }}>{t('need.fields.urgency')}</legend>
				<div style={{ display: 'flex', flexWrap: 'wrap', gap: '0 16px' }}>
					{getCollectionProps(fields.urgency, { type: 'radio', options: [...URGENCIES] }).map(({ key, ...props }) => (
						<label key={key} htmlFor={props.id} style={choiceStyle}>
							<input {...props} style={{ width: 20, height: 20 }} />
							{t(`vocab.urgency.${props.value}`)}
						</label>
					))}
				</div>
				<ErrorList id={fields.urgency.errorId} errors={fields.urgency.errors} />
			</fieldset>

			<Field meta={fields.neededBy} label={t('need.fields.needed_by')} hint={t('need.fields.needed_by_hint')} type="date" min={today} style={tapStyle} />

			{photosMaxMb ? <PhotoInput meta={fields.photos} maxMb={photosMaxMb} /> : <p className="muted">{t('need.form.photos_on_page')}</p>}
		</>
	)
}

/** A multiple-file input for need photos; the server checks type and size again. */
export function PhotoInput({ meta, maxMb, label }: { meta: { id: string; name: string; errorId: string; errors?: string[] }; maxMb: number; label?: string }) {
	const { t } = useTranslation()
	const hintId = `${meta.id}-hint`
	return (
		<div className="field">
			<label htmlFor={meta.id}>{label ?? t('need.fields.photos')}</label>
			<input
				id={meta.id}
				name={meta.name}
				type="file"
				multiple
				accept="image/jpeg,image/png,image/webp"
				aria-invalid={meta.errors?.length ? true : undefined}
				aria-describedby={describedBy(hintId, meta.errors?.length && meta.errorId)}
				style={tapStyle}
			/>
			<small id={hintId} className="hint">
				{t('need.fields.photos_hint', { max: MAX_NEED_PHOTOS, maxMb })}
			</small>
			<ErrorList id={meta.errorId} errors={meta.errors} />
		</div>
	)
}
