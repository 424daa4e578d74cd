"""The board's order of cards: a rank per work item, 0 for all that exist, so every board shows
its cards as before (by priority, then id) until a card is placed."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0003_search_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='workitem',
            name='board_rank',
            field=models.BigIntegerField(default=0),
        ),
    ]
