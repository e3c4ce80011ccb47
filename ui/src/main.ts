import { mount } from 'svelte';
import App from './App.svelte';
import { runScenarioFromUrl } from './gallery/driver';
import { insideTauri } from './lib/backend/tauri';
import './app.css';

const target = document.getElementById('app');
if (!target) throw new Error('index.html lacks #app');

const app = mount(App, { target });
// A plain browser runs the fake back end; `?scenario=` walks it to one gallery screen.
if (!insideTauri()) void runScenarioFromUrl();

export default app;
