"""The evaluation lab: task specs, the runner, metrics, reports and the leaderboard."""
