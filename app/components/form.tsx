import { type FieldMetadata, getInputProps, getSelectProps, getTextareaProps } from '@conform-to/react'
import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { tm } from '#app/utils/i18n-message.ts'

export function ErrorList({ id, errors }: { id?: string; errors?: string[] | null }) {
	const { t } = useTranslation()
	if (!errors?.length) return null
	return (
		<ul id={id} className="errors" role="alert">
			{errors.map((e) => (
				<li key={e}>{tm(t, e)}</li>
			))}
		</ul>
	)
}

type Meta = FieldMetadata<string | number | undefined | null>

export function Field({ meta, label, type = 'text', hint, ...rest }: { meta: Meta; label: string; type?: string; hint?: string } & Record<string, unknown>) {
	const errorId = meta.errors?.length ? meta.errorId : undefined
	return (
		<div className="field">
			<label htmlFor={meta.id}>{label}</label>
			<input {...getInputProps(meta, { type: type as 'text', ariaAttributes: true })} aria-describedby={errorId} {...rest} />
			{hint ? <small className="hint">{hint}</small> : null}
			<ErrorList id={errorId} errors={meta.errors} />
		</div>
	)
}

export function TextareaField({ meta, label, rows = 4 }: { meta: Meta; label: string; rows?: number }) {
	return (
		<div className="field">
			<label htmlFor={meta.id}>{label}</label>
			<textarea {...getTextareaProps(meta, { ariaAttributes: true })} rows={rows} />
			<ErrorList id={meta.errorId} errors={meta.errors} />
		</div>
	)
}

export function SelectField({ meta, label, children }: { meta: Meta; label: string; children: ReactNode }) {
	return (
		<div className="field">
			<label htmlFor={meta.id}>{label}</label>
			<select {...getSelectProps(meta, { ariaAttributes: true })}>{children}</select>
			<ErrorList id={meta.errorId} errors={meta.errors} />
		</div>
	)
}
