from django.apps import AppConfig


class ServeConfig(AppConfig):
    name = "nianbao.serve"
    label = "nianbao"
    verbose_name = "年报报送"
    default_auto_field = "django.db.models.BigAutoField"
