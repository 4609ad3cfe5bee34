import { certificateNumberKey, toSearchForm } from '../ground/text/normalise.ts';

/*
 * The columns the registry derives from what a record says, made in one place for whoever
 * writes the record (the import, the demo data, the tests' fixtures), so no writer can store a
 * name without its search form or a number without the key every lookup reads. The triggers
 * index them; nothing else computes them.
 */

export const organisationNameColumns = (name: string) => ({ name, nameSearch: toSearchForm(name) });

export const certificateNumberColumns = (number: string) => ({ number, numberKey: certificateNumberKey(number) });
