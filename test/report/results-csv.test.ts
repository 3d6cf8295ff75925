import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { csvField, CSV_COLUMNS, resultsCsv } from '../../harness/report/results-csv.js';

describe('results.csv', () => {
  it('quotes only fields that need it', () => {
    expect(csvField('plain')).to.equal('plain');
    expect(csvField(12.5)).to.equal('12.5');
    expect(csvField('a,b')).to.equal('"a,b"');
    expect(csvField('say "x"')).to.equal('"say ""x"""');
    expect(csvField('two\nlines')).to.equal('"two\nlines"');
  });

  it('has a header row alone when there are no results', () => {
    expect(parse(resultsCsv([]), { columns: true })).to.deep.equal([]);
    expect(resultsCsv([]).trim()).to.equal(CSV_COLUMNS.join(','));
  });
});
