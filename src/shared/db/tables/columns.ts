import type { ColumnType } from 'kysely';

/** Numeric columns: read as exact decimal strings, written as strings or numbers. */
export type Decimal = ColumnType<string, string | number, string | number>;
export type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
export type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
/** A column with a database default: optional on insert. */
export type WithDefault<T> = ColumnType<T, T | undefined, T>;
/** `date` columns, read as 'YYYY-MM-DD' strings (see the type parser in database.ts). */
export type DateColumn = ColumnType<string, string, string>;
export type Json = ColumnType<unknown, string | null, string | null>;
