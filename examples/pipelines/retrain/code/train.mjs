// A deliberately tiny "model" for the pipeline example: predict the majority sex of the training
// rows. It follows the SageMaker training contract (SM_CHANNEL_TRAIN in, SM_MODEL_DIR out) and
// prints its metric so the training job parses it.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const trainDir = process.env.SM_CHANNEL_TRAIN;
const rows = [];
for (const file of readdirSync(trainDir).filter((f) => f.endsWith('.csv'))) {
  const [header, ...lines] = readFileSync(join(trainDir, file), 'utf8').trim().split('\n');
  const sex = header.split(',').indexOf('sex');
  for (const line of lines) {
    const value = line.split(',')[sex];
    if (value === 'male' || value === 'female' || value === 'MALE' || value === 'FEMALE')
      rows.push(value.toLowerCase());
  }
}
const males = rows.filter((v) => v === 'male').length;
const majority = males * 2 >= rows.length ? 'male' : 'female';
const accuracy = rows.filter((v) => v === majority).length / rows.length;
console.log(`rows=${rows.length}`);
console.log(`accuracy=${accuracy.toFixed(4)}`);
writeFileSync(join(process.env.SM_MODEL_DIR, 'model.json'), JSON.stringify({ majority }));
