import { createApp } from 'vue'
